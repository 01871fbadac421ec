// Every word the customer's pages show, in one place for review (STYLE.md "Pages"): someone at the
// roadside with a phone, often worried. Short sentences, the documents' own terms (spec/screens.md).
import { day, yen } from '../shared/format.js';

export const problems = {
  battery: 'バッテリー上がり', lockout: 'キー閉じ込み', flat_tire: 'パンク', fuel: 'ガス欠',
  wheel_drop: '落輪', breakdown: '故障（走行不能）', accident: '事故', other: 'その他',
};

// The tracking page's status words (GET /v1/track/{token} `status`).
export const trackStatus = {
  dispatching: ['手配中', '対応できる協力会社を探しています'],
  accepted: ['手配済み', '協力会社が出動の準備をしています'],
  en_route: ['出動中', '協力会社がこちらへ向かっています'],
  on_scene: ['到着', '協力会社が現場に到着しました'],
  towing: ['搬送中', 'お車を搬送しています'],
  delivered: ['入庫', 'お車を搬送先へお届けしました'],
  completed: ['完了', '作業が完了しました'],
  cancelled: ['キャンセル', 'この手配は取り消されました'],
};

export const incidentStatus = { open: '受付', not_covered: '対象外', refused: 'お断り', closed: '終了' };

export const benefits = {
  taxi: 'タクシー', rental_car: 'レンタカー', public_transport: '代替公共交通機関', hotel: '宿泊費用', post_repair_transport: '修理後搬送',
};
export const benefitHelp = {
  taxi: 'タクシー代（1台）', rental_car: 'レンタカー基本料金（1台）', public_transport: '電車・バス・飛行機・船の運賃（1名ごと）',
  hotel: '故障当日の宿泊費（1名ごと・室料のみ）', post_repair_transport: '修理後のお車の陸送費',
};

// Receipt kinds each benefit takes (the others do not count, 第1条3).
export const receiptKinds = {
  taxi_fare: 'タクシー運賃', rental_base: 'レンタカー基本料金', rental_fuel: 'レンタカー燃料', rental_insurance: 'レンタカー保険',
  rental_dropoff: '乗り捨て料金', rental_equipment: 'レンタカー装備品', rail: '鉄道', air: '航空', bus: 'バス', ship: '船',
  hotel_room: '宿泊（室料）', hotel_meal: 'ホテルでの飲食', hotel_other: 'ホテルのその他', transport: '陸送',
};
export const kindsFor = {
  taxi: ['taxi_fare'], rental_car: ['rental_base', 'rental_fuel', 'rental_insurance', 'rental_dropoff', 'rental_equipment'],
  public_transport: ['rail', 'air', 'bus', 'ship'], hotel: ['hotel_room', 'hotel_meal', 'hotel_other'], post_repair_transport: ['transport'],
};

export const decisions = {
  approved: '承認', partially_approved: '一部承認', rejected: 'お支払いできません', pending_review: '審査中',
};

// One sentence per reason code (POST /v1/claims, GET /v1/incidents/{id}/benefits), the clause in small type.
export const claimReasons = {
  incident_not_covered: { text: () => 'この故障はロードサービスの対象外でした', clause: '第1条3' },
  not_remote: { text: (x) => `故障場所がご自宅から100 km未満です（${x.distance_from_home_km ?? '—'} km）`, clause: '第1条3(1)' },
  no_qualifying_tow: { text: () => 'ロードサービスで修理工場・一時保管先へ搬送されていません', clause: '第1条3(1)' },
  benefit_already_used: { text: () => 'この故障ではすでに申請があります（給付は1つだけです）', clause: '第1条3' },
  claim_window_expired: { text: (x) => `申請期限（${day(x.last_day)}）を過ぎています`, clause: '第1条3(3)' },
  outside_time_window: { text: () => 'ご利用日時が対象期間外です（タクシー・レンタカーは故障から24時間以内、公共交通機関・宿泊は故障当日）', clause: '第1条3 A–D' },
  receipt_missing: { text: () => '領収書がありません', clause: '第1条3(3)' },
  excluded_items: { text: () => '対象外の領収書があります（燃料・保険・飲食などはお客様のご負担です）', clause: '第1条3' },
  persons_capped: { text: (x) => `人数を乗車人数・乗車定員までとしました（${x.persons_counted ?? ''}名）`, clause: '第1条3 C・D' },
  capped: { text: (x) => `上限額（${yen(x.cap_yen ?? x.max_yen)}）までのお支払いです`, clause: '第1条3' },
};

export const errors = {
  unexpected: '予期しないエラーが発生しました。もう一度お試しください',
  network_error: 'インターネットに接続できません。電波の良い場所でもう一度お試しください',
  invalid_credentials: '契約番号または生年月日が正しくありません',
  too_many_attempts: (e) => `試行回数が上限を超えました。${e.retryAfterS ? `${Math.ceil(e.retryAfterS / 60)}分ほど` : 'しばらく'}待ってから再度お試しください`,
  no_phone_on_file: '登録の電話番号がないため、コードを送れません。コールセンターへお電話ください',
  invalid_code: (e) => `確認コードが正しくありません${e.details && e.details.attempts_left !== undefined ? `（あと${e.details.attempts_left}回）` : ''}`,
  challenge_expired: '確認コードの有効期限が切れました。もう一度コードを受け取ってください',
  challenge_exhausted: '確認コードを続けて間違えました。もう一度コードを受け取ってください',
  challenge_used: 'この確認コードは使用済みです。もう一度コードを受け取ってください',
  challenge_not_found: 'もう一度コードを受け取ってください',
  unauthorized: 'もう一度サインインしてください',
  csrf_failed: '画面の有効期限が切れました。ページを再読み込みしてください',
  link_not_found: 'このリンクは無効です。電話の担当者にお知らせください',
  link_used: 'このリンクはすでに使用されました。電話の担当者にお知らせください',
  link_expired: 'このリンクは有効期限が切れています。電話の担当者にお知らせください',
  incident_not_found: '受付が見つかりません',
  benefit_already_used: 'この故障ではすでに申請があります（給付は1つだけです）',
  missing_field: '入力してください',
  invalid_field: (e) => `正しく入力してください${e.details && e.details.expected ? `（${e.details.expected}）` : ''}`,
  used_after_received: 'ご利用日時が今より後になっています',
  image_not_found: '写真をもう一度選んでください',
  // Receipt images (POST /v1/receipt-images): what a refused upload says.
  body_too_large: '写真が大きすぎます（1枚10 MBまで）',
  image_too_large: '写真の画素数が多すぎます。カメラの設定を下げるか、スクリーンショットをお使いください',
  unsupported_image_type: 'この種類のファイルは使えません（JPEG・PNG・HEIC・PDF）',
  unreadable_image: '画像を読み取れません（ファイルが壊れているか、途中までしかありません）',
  empty_upload: 'ファイルが空です',
  too_many_images: '領収書の写真は1回の申請で10枚までです',
  overloaded: 'ただいま混み合っています。少し待ってからもう一度お試しください',
  database_unavailable: 'ただいま混み合っています。少し待ってからもう一度お試しください',
  invalid_bank_code: '金融機関コードは4桁の数字です',
  invalid_branch_code: '支店コードは3桁の数字です',
  invalid_account_number: '口座番号は7桁までの数字です',
  invalid_holder_kana: '口座名義はカタカナで入力してください',
};

export const fieldLabels = {
  contract_no: '契約番号', birth_date: '生年月日', code: '確認コード', incident_id: '受付', benefit: '給付', persons: '人数',
  used_at: 'ご利用日時', receipts: '領収書', 'bank_account.bank_code': '金融機関コード', 'bank_account.branch_code': '支店コード',
  'bank_account.type': '預金種目', 'bank_account.number': '口座番号', 'bank_account.holder_kana': '口座名義（カナ）',
};

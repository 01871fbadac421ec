// Every word the agents' and back-office console shows, in one place for review (STYLE.md
// "Pages"). Reason codes get one sentence each and the clause they come from; the server's own
// `clause` text is shown beside it when it sends one.
import { day, yen, km } from '../shared/format.js';

const d = (x) => x || {};

// POST /v1/coverage/check reasons, in the order api.md lists them.
export const coverageReasons = {
  contract_cancelled: { text: (x) => `契約は解約されています（解約日 ${day(d(x).cancelled_on)}）`, clause: '解約' },
  coverage_not_started: { text: (x) => `保証開始前です（開始日 ${day(d(x).start_date)}）`, clause: '保証期間' },
  coverage_expired: { text: (x) => `保証期間が終了しています（終了日 ${day(d(x).end_date)}）`, clause: '保証期間' },
  mileage_limit_exceeded: { text: (x) => `走行距離の上限を超えています（上限 ${Number(d(x).mileage_limit_km).toLocaleString()} km、走行 ${Number(d(x).driven_km).toLocaleString()} km）`, clause: '所定走行距離' },
  plan_excludes_road_service: { text: () => 'このプランにはロードサービスが付いていません', clause: 'ロードサービス付帯プラン' },
  in_deductible_period: { text: (x) => `免責期間中のためサービス対象外です（${day(d(x).deductible_until)}まで）`, clause: '免責期間' },
  inspection_expired: { text: (x) => `車検が切れています（車検満了日 ${day(d(x).inspection_expiry)}）`, clause: '第6条(4) 車検登録のない場合' },
  vehicle_not_private_use: { text: () => '事業用の車両は対象外です（自家用のみ）', clause: '第5条 自家用7車種' },
  vehicle_type_not_covered: { text: () => '対象外の車種です（自家用7車種・キャンピング車のみ）', clause: '第5条' },
  vehicle_too_long: { text: (x) => `車両の長さが5,500 mmを超えています（${Number(d(x).length_mm).toLocaleString()} mm）`, clause: '第5条 長さ' },
  vehicle_too_wide: { text: (x) => `車両の幅が1,950 mmを超えています（${Number(d(x).width_mm).toLocaleString()} mm）`, clause: '第5条 幅' },
  vehicle_too_heavy: { text: (x) => `車両総重量が3,000 kgを超えています（${Number(d(x).gross_weight_kg).toLocaleString()} kg）`, clause: '第5条 車両総重量' },
  accident_not_breakdown: { text: () => '事故による故障は対象外です（自動車保険のロードサービスをご案内）', clause: '第1条2(1) 車両故障の現場' },
};

// Notes that do not refuse (the agent asks the caller).
export const coverageNotes = {
  mileage_unverified: {
    text: (x) => `走行距離を確認できません。お客様にメーターの現在の走行距離をお尋ねし、「走行距離」欄に入力してください${d(x).odometer_at_start_km !== undefined && d(x).odometer_at_start_km !== 'unknown' ? `（加入時 ${Number(d(x).odometer_at_start_km).toLocaleString()} km）` : ''}`,
    clause: '所定走行距離',
  },
  caller_identity_mismatch: {
    text: (x) => `お話の内容が契約者と一致しません（${[d(x).name_matches === false && '氏名', d(x).birth_date_matches === false && '生年月日'].filter(Boolean).join('・') || '本人確認'}）。ご本人か、ご家族・同乗の方か確認してください（対象外にはなりません）`,
    clause: '第3条(1) 本人確認',
  },
};

// What the agent says when the caller had an accident (第1条2(1): the road service is for
// breakdowns; the motor insurer's road service covers accidents).
export const referrals = {
  accident_not_breakdown: {
    title: '事故の場合は、お客様の自動車保険のロードサービスをご案内してください',
    text: 'このロードサービスは故障が対象です。事故による走行不能は対象外のため、ご加入の自動車保険（任意保険）のロードサービス窓口へのご連絡をお勧めしてください。当社で手配する場合は有料になります。',
    clause: '第1条2(1) 車両故障の現場',
  },
};

// The caller's identity (第3条(1)), as the verdict's caller_identity reports it.
export const identity = {
  title: '本人確認',
  match: '一致', mismatch: '不一致', unchecked: '未確認',
  name: '氏名', birth: '契約者の生年月日',
  badBirth: '生年月日は「1980-04-01」「1980/4/1」「19800401」の形で入力してください',
};

// The location link (issue 14 §6) and the tracking link (§7).
export const links = {
  locationButton: '位置情報リンクを送る',
  locationHint: 'お客様のスマートフォンに現在地を送っていただくリンクです（30分有効・1回限り）',
  locationWaiting: 'お客様からの位置情報を待っています…',
  locationReceived: (acc, at) => `お客様の位置情報を受信しました（精度 ±${Math.round(acc)} m、${at}）。現在地に入力し、判定を更新しました`,
  locationExpired: 'リンクの有効期限が切れました。必要なら送り直してください',
  sentTo: (to) => (to ? `SMSを ${to} に送信しました` : 'SMSは送信していません（電話番号がありません）。URLかQRコードをお伝えください'),
  trackingButton: '追跡リンクを送る',
  trackingHint: 'お客様が手配の状況（状態・協力会社名・到着見込み・距離）を確認できるリンクです（24時間有効）',
  url: 'リンク',
  qrLocation: '位置情報リンクのQRコード',
  qrTracking: '追跡リンクのQRコード',
  resend: '送り直す',
};

// 第2条3(7): whether a cancellation is charged, by who asked and how far the job got.
export const cancellation = {
  requestedBy: { customer: 'お客様', operator: '当社（受付）', partner: '協力会社' },
  charged: 'キャンセル料がかかります（お客様ご負担）。出動後のお客様都合のキャンセルです',
  free: (by) => `キャンセル料はかかりません（${by === 'customer' ? '出動前' : '当社・協力会社の都合'}）`,
  clause: '第2条3(7)',
};

// Why a job is paid (第1条/第2条), from the estimate's paid_reasons.
export const paidReasons = {
  not_covered: { text: 'ロードサービス対象外のため有料です', clause: '第3条(2)' },
  key_lost: { text: 'キー紛失のため全作業が有料です', clause: '第2条1(3)' },
  trunk_lockout: { text: 'トランクの直接開錠は有料です', clause: '第2条1(2)' },
  special_lock: { text: '特殊キー・イモビライザー付き車両の開錠は有料です', clause: '第2条1(1)' },
  more_than_one_tire: { text: '2本目以降のタイヤ交換は有料です', clause: '第1条1(3)' },
  wheel_drop_two_or_more_wheels: { text: '2輪以上の落輪の引き上げは有料です', clause: '第2条2(3)' },
  wheel_drop_deeper_than_1m: { text: '落差1 mを超える落輪の引き上げは有料です', clause: '第2条2(3)' },
  second_tow: { text: '未修理車両の2回目の搬送は有料です', clause: '第2条3(5)' },
  accident_not_breakdown: { text: '事故車両の搬送は有料です（故障のみ無料）', clause: '第1条2(1)' },
  destination_not_designated: { text: '指定工場以外への搬送は有料です', clause: '第1条2(1) 保証会社指定の工場' },
};

export const unassignedReasons = {
  no_partner_in_radius: '半径内に対応できる協力会社がありません',
  all_candidates_tried: '候補の協力会社すべてに打診しました',
  all_partners_busy: '対応できる協力会社がすべて作業中です',
};

export const problems = {
  battery: 'バッテリー上がり', lockout: 'キー閉じ込み', flat_tire: 'パンク', fuel: 'ガス欠',
  wheel_drop: '落輪', breakdown: '故障（走行不能）', accident: '事故', other: 'その他',
};

export const services = {
  tow: 'レッカーけん引・積載車搬送', lockout: 'キー開錠', jump_start: 'ジャンピング',
  tire_change: 'スペアタイヤ交換', fuel_delivery: '給油', light_work: '軽作業', wheel_drop_recovery: '落輪引き上げ',
};

// The service a problem usually needs (the agent can change it).
export const serviceForProblem = {
  battery: 'jump_start', lockout: 'lockout', flat_tire: 'tire_change', fuel: 'fuel_delivery',
  wheel_drop: 'wheel_drop_recovery', breakdown: 'tow', accident: 'tow', other: 'light_work',
};

export const jobStatus = {
  offered: '打診中', unassigned: '未手配', accepted: '承諾', en_route: '出動', on_scene: '現着',
  towing: '搬送中', delivered: '入庫', completed: '完了', cancelled: 'キャンセル',
};

export const incidentStatus = { open: '受付', not_covered: '対象外', refused: 'お断り', closed: '終了' };

export const outcomes = {
  fixed_on_site: '現場で解決', not_fixed: '解決せず', towed_to_shop: '工場へ搬送', towed_to_storage: '一時保管へ搬送', cancelled: 'キャンセル',
};

// One line of the incident's timeline: what happened, from the stored event.
export const eventText = {
  call_received: (x) => `受付（${problems[x.problem] || x.problem || ''}${x.occupants ? `、${x.occupants}名` : ''}）`,
  coverage_verified: (x) => (x.eligible ? '判定: 対象' : '判定: 対象外') + (x.distance_from_home_km !== undefined ? `（自宅から ${km(x.distance_from_home_km)}）` : ''),
  call_refused: () => 'お断りとして記録',
  job_created: (x) => `手配（${services[x.service] || x.service || ''}・${x.free === false ? '有料' : '無料'}）`,
  job_offered: (x, name) => `打診 → ${name || '協力会社'}（${x.seq || ''}社目、ETA ${x.eta_minutes ?? '—'}分）`,
  offer_declined: (x, name) => `辞退 ← ${name || '協力会社'}${x.reason ? `（${x.reason}）` : ''}`,
  offer_expired: (x, name) => `期限切れ ← ${name || '協力会社'}`,
  job_accepted: (x, name) => `承諾 ← ${name || '協力会社'}（ETA ${x.eta_minutes ?? '—'}分）`,
  job_en_route: () => '出動', job_on_scene: () => '現着', job_towing: () => '搬送中', job_delivered: () => '入庫',
  job_completed: (x) => `完了（保証 ${yen(x.covered_yen)}・お客様 ${yen(x.customer_yen)}）`,
  job_cancelled: (x) => `キャンセル${x.customer_yen ? `（キャンセル料 ${yen(x.customer_yen)}）` : ''}`,
  job_unassigned: (x) => `未手配: ${unassignedReasons[x.reason] || x.reason || ''}`,
  job_redispatched: () => '再手配',
  claim_created: () => '遠方トラブルサポート申請',
  claim_decided: (x) => `遠方トラブルサポート申請: ${decisions[x.decision] || x.decision || ''}${x.approved_yen ? `（${yen(x.approved_yen)}）` : ''}`,
  claim_reviewed: (x) => `申請の審査: ${decisions[x.decision] || x.decision || ''}${x.approved_yen ? `（${yen(x.approved_yen)}）` : ''}`,
  claim_paid: (x) => `支払済${x.paid_on ? `（${day(x.paid_on)}）` : ''}`,
};

// Lines of the charges (the services above, and these).
export const chargeLines = {
  tow_km: '搬送距離（無料範囲内）', tow_km_beyond_free: '搬送距離（無料範囲超過・1 km毎）', storage: '一時保管（24時間超・1日毎）',
  fuel: '燃料代', cancellation: 'キャンセル料（出動後）', special_key: '特殊キー作業', battery_charge: 'バッテリー充電',
  tire_chains: 'チェーン脱着', seasonal_tire_change: '夏冬タイヤ交換', parts: '部品・消耗品', window_repair: '窓ガラス',
  electrical_repair: '電装品', dolly: 'ドーリー', overturned: '横転・転落', crane: 'クレーン作業', collision_extraction: '事故車両の引き出し',
  multistorey_car_park: '立体駐車場からの移動', lowered_vehicle: '車高の低い車両', move_after_unloading: '降ろした後の移動',
  secondary_transport: '二次搬送', extra_staff: '増員', extra_truck: '増車', road_cleaning: '路面清掃', oil_absorbent: 'オイル処理剤',
  waiting_time: '待機時間', flares: '発炎筒', ferry_fare: 'フェリー代', toll_road: '有料道路代',
};

export const benefits = {
  taxi: 'タクシー', rental_car: 'レンタカー', public_transport: '代替公共交通機関', hotel: '宿泊費用', post_repair_transport: '修理後搬送',
};

export const receiptKinds = {
  taxi_fare: 'タクシー運賃', rental_base: 'レンタカー基本料金', rental_fuel: 'レンタカー燃料', rental_insurance: 'レンタカー保険',
  rental_dropoff: '乗り捨て料金', rental_equipment: 'レンタカー装備品', rail: '鉄道', air: '航空', bus: 'バス', ship: '船',
  hotel_room: '宿泊（室料）', hotel_meal: 'ホテル飲食', hotel_other: 'ホテルその他', transport: '陸送',
};

export const decisions = {
  approved: '承認', partially_approved: '一部承認', rejected: '否認', pending_review: '審査待ち',
};

export const claimReasons = {
  incident_not_covered: { text: 'ロードサービス対象外の受付です', clause: '第1条3' },
  not_remote: { text: (x) => `自宅から100 km未満の故障です（${x.distance_from_home_km ?? '—'} km）`, clause: '第1条3(1)' },
  no_qualifying_tow: { text: '無料のロードサービスで工場・一時保管へ搬送されていません', clause: '第1条3(1) 第2号のロードサービス' },
  benefit_already_used: { text: 'この故障ではすでに給付を受けています', clause: '第1条3 いずれか1つ' },
  claim_window_expired: { text: (x) => `利用日から90日を過ぎて受け付けました（期限 ${day(x.last_day)}）`, clause: '第1条3(3) 90日' },
  outside_time_window: { text: '利用日時が対象期間外です（タクシー・レンタカーは24時間以内、公共交通・宿泊は当日）', clause: '第1条3 A–D' },
  receipt_missing: { text: '領収書がありません', clause: '第1条3(3) 領収書' },
  excluded_items: { text: (x) => `対象外の領収書があります（${yen(x.excluded_yen)}）`, clause: '第1条3 お客様負担分' },
  persons_capped: { text: (x) => `人数を乗車定員・乗車人数までとしました（${x.persons_counted ?? x.counted ?? ''}名）`, clause: '第1条3 C・D' },
  capped: { text: (x) => `上限額までとしました（${yen(x.cap_yen ?? x.max_yen)}）`, clause: '第1条3 上限' },
};

// Why one receipt does not count (from excluded_items' details).
export const receiptExclusions = {
  wrong_kind: 'この給付の対象外の費目です',
  issued_before_breakdown: '故障日より前の領収書です',
  issued_after_received: '申請受付後の日付の領収書です',
  duplicate: '同じ領収書が重複しています',
};

export const refusalGrounds = {
  dangerous_weather: ['悪天候（台風・豪雨・豪雪など）', '第6条(1)'],
  natural_disaster: ['地震・津波・噴火などの災害', '第6条(1)'],
  closed_road: ['通行止め・立入禁止区域', '第6条(2)'],
  remote_island: ['離島', '第6条(2)'],
  ferry: ['フェリー上', '第6条(2)'],
  beach: ['砂浜', '第6条(2)'],
  forest_road: ['林道', '第6条(2)'],
  riverbed: ['河川敷など', '第6条(2)'],
  impassable_road: ['作業車が通行できない道路', '第6条(2)'],
  war_or_riot: ['戦争・暴動・公権力の行使', '第6条(3)'],
  illegal_modification: ['不正改造', '第6条(4)'],
  no_valid_inspection: ['車検登録のない車両', '第6条(4)'],
  special_equipment: ['特殊な装備', '第6条(4)'],
  law_violation: ['法令違反', '第6条(5)'],
  illegal_driving_risk: ['飲酒・薬物・無免許運転のおそれ', '第6条(6)'],
  beyond_maker_limits: ['メーカーの限度を超える使用・改造', '第6条(7)'],
  racing_or_display: ['競技・展示などの使用', '第6条(8)'],
  damage_risk: ['車両・積荷を損傷するおそれ', '第6条(9)'],
  valuable_or_dangerous_cargo: ['貴重品・危険物の積載', '第6条(10)'],
  third_party_harm: ['第三者への損害（同意なし）', '第6条(11)'],
  consent_unconfirmable: ['お客様の同意を確認できない', '第6条(12)'],
  impracticable: ['その他実施困難', '第6条(13)'],
  documents_refused: ['必要書類の提示・提出を拒まれた', '第3条(3)'],
  waiver_refused: ['免責同意（作業同意）を得られない', '第3条(4)'],
  no_police_report: ['事故の警察届出・許可がない', '第3条(5)'],
  instructions_not_followed: ['作業者の指示に従っていただけない', '第3条(6)'],
  customer_absent: ['お客様が立ち会えない（搬送を除く）', '第3条(7)'],
  no_dangerous_goods_licensee: ['危険物車両に有資格者が同乗していない', '第3条(8)'],
};

export const vehicleKinds = { ordinary: '普通', small: '小型', kei: '軽', large_special: '大型特殊', two_wheel: '二輪' };
export const vehicleUses = { passenger: '乗用', cargo: '貨物', bus: '乗合', special: '特種' };
export const roles = { agent: '受付担当', reviewer: '審査担当', admin: '管理者' };

// Error codes of the API → what the person reads.
export const errors = {
  unexpected: '予期しないエラーが発生しました。もう一度お試しください',
  network_error: 'サーバーに接続できません。ネットワークを確認してください',
  invalid_credentials: 'ログインIDまたはパスワードが正しくありません',
  too_many_attempts: (e) => `試行回数が上限を超えました。${e.retryAfterS ? `${Math.ceil(e.retryAfterS / 60)}分ほど` : 'しばらく'}待ってから再度お試しください`,
  unauthorized: 'サインインが必要です',
  forbidden: 'この操作を行う権限がありません',
  csrf_failed: '画面の有効期限が切れました。ページを再読み込みしてください',
  contract_not_found: '該当する契約が見つかりません',
  incident_not_found: '受付が見つかりません',
  missing_field: '入力してください',
  invalid_field: (e) => `正しく入力してください${e.details && e.details.expected ? `（${e.details.expected}）` : ''}`,
  invalid_coordinates: '緯度は-90〜90、経度は-180〜180で入力してください',
  malformed_json: '送信内容が正しくありません',
  plate_mismatch: 'ナンバーが契約の車両と一致しません',
  incident_refused: 'お断りした受付には手配できません',
  job_already_open: 'この受付にはすでに進行中の手配があります',
  invalid_transition: 'この状態からは変更できません',
  call_time_in_future: '受付時刻が未来になっています',
  claim_not_pending: 'この申請はすでに審査済みです',
  approved_yen_out_of_range: (e) => `承認額は上限（${yen(e.details && e.details.max_yen)}）以内で入力してください`,
  invalid_review_decision: '判定を選んでください',
  already_paid: 'すでに支払済みです',
  claim_not_payable: '支払対象ではありません',
  paid_on_in_future: '支払日が未来になっています',
  paid_before_received: '支払日が受付日より前です',
  transfer_date_out_of_range: '振込日は今日から1か月以内の日付を指定してください',
  partner_not_found: '協力会社が見つかりません',
  database_unavailable: 'データベースに接続できません。しばらくしてから再度お試しください',
  overloaded: 'サーバーが混み合っています。再度お試しください',
  route_not_found: 'この機能はまだサーバーにありません',
  link_not_found: 'リンクが見つかりません',
  link_used: 'このリンクはすでに使用されています',
  link_expired: 'このリンクは有効期限が切れています',
  no_phone_on_file: 'SMSの送信先の電話番号がありません',
  shop_not_found: '指定工場が見つかりません',
  signature_not_found: '署名はありません',
  image_not_found: '画像が見つかりません',
  job_not_found: '手配が見つかりません',
};

// Field names of the API → the label next to the control (for the error summary).
export const fieldLabels = {
  plate: 'ナンバー', contract_no: '契約番号', 'location': '現在地', 'location.lat': '緯度', 'location.lon': '経度',
  odometer_km: '走行距離', problem: '症状', occupants: '乗車人数', 'caller.name': '通報者名', 'caller.phone': '通報者電話',
  'caller.holder_birth_date': '契約者の生年月日', phone: 'SMSの送信先', requested_by: '依頼者', reason: '理由',
  notes: 'メモ', refusal_grounds: 'お断り理由', service: '作業', destination: '搬送先', 'destination.lat': '搬送先の緯度',
  'destination.lon': '搬送先の経度', 'destination.name': '搬送先名', login: 'ログインID', password: 'パスワード',
  approved_yen: '承認額', decision: '判定', note: '審査メモ', paid_on: '支払日', transfer_date: '振込日', month: '対象月',
};

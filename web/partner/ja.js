// Every word the partner's page shows, in one place for review (STYLE.md "Pages"): a tow crew in
// the cab, reading at a glance. The call-centre's terms (手配 / 出動 / 現着 / 搬送中 / 入庫 / 完了,
// spec/screens.md) so that the desk and the crew say the same thing.
import { yen } from '../shared/format.js';

export const services = {
  tow: 'レッカーけん引・積載車搬送', lockout: 'キー開錠', jump_start: 'ジャンピング',
  tire_change: 'スペアタイヤ交換', fuel_delivery: '給油', light_work: '軽作業', wheel_drop_recovery: '落輪引き上げ',
};

export const problems = {
  battery: 'バッテリー上がり', lockout: 'キー閉じ込み', flat_tire: 'パンク', fuel: 'ガス欠',
  wheel_drop: '落輪', breakdown: '故障（走行不能）', accident: '事故', other: 'その他',
};

export const jobStatus = {
  offered: '打診中', unassigned: '未手配', accepted: '承諾済み', en_route: '出動中', on_scene: '現着',
  towing: '搬送中', delivered: '入庫', completed: '完了', cancelled: 'キャンセル',
};

// The big button for each next status (only the allowed ones are shown).
export const stepButton = { en_route: '出動', on_scene: '現着', towing: '搬送開始', delivered: '入庫', completed: '完了報告へ' };
export const stepNames = { accepted: '承諾', en_route: '出動', on_scene: '現着', towing: '搬送中', delivered: '入庫', completed: '完了' };

export const vehicleKinds = { ordinary: '普通', small: '小型', kei: '軽', large_special: '大型特殊', two_wheel: '二輪' };

export const outcomes = {
  fixed_on_site: '現場で解決', not_fixed: '解決せず（搬送なし）', towed_to_shop: '工場へ搬送', towed_to_storage: '一時保管へ搬送',
};

// What a crew says when it cannot take an offer (sent as the decline's reason).
export const declineReasons = ['対応中の作業があります', '車両が合いません（積載・重量）', '現場まで遠すぎます', '人員・車両が不足しています', 'その他'];

// Extras a crew adds at the scene (tariff codes; the amount comes from the tariff unless it has none).
export const extras = {
  battery_charge: 'バッテリー充電', special_key: '特殊キー作業', tire_chains: 'チェーン脱着', dolly: 'ドーリー',
  crane: 'クレーン作業', collision_extraction: '事故車両の引き出し', multistorey_car_park: '立体駐車場からの移動',
  lowered_vehicle: '車高の低い車両', waiting_time: '待機時間', extra_staff: '増員', toll_road: '有料道路代', parts: '部品・消耗品',
};
// Extras without a tariff price: the crew types the amount.
export const extrasWithAmount = ['toll_road', 'parts'];

export const chargeLines = {
  tow: 'レッカーけん引・積載車搬送', lockout: 'キー開錠', jump_start: 'ジャンピング', tire_change: 'スペアタイヤ交換',
  fuel_delivery: '給油', light_work: '軽作業', wheel_drop_recovery: '落輪引き上げ',
  tow_km: '搬送距離（無料範囲内）', tow_km_beyond_free: '搬送距離（無料範囲超過）', storage: '一時保管', fuel: '燃料代',
  cancellation: 'キャンセル料', ...extras,
};

export const unsent = (n) => `未送信 ${n}件`;
export const live = { open: '受信中', connecting: '接続中…', retrying: '再接続中…' };

export const eventNote = {
  lapsed: (what) => `回答期限が過ぎたため、依頼（${what}）は次の協力会社へ回りました`,
  taken: (what) => `依頼（${what}）は取り消されました`,
};

export const errors = {
  unexpected: '予期しないエラーが発生しました。もう一度お試しください',
  network_error: '電波が届いていません。電波が戻ると自動で送信します',
  invalid_credentials: 'ログインIDまたはパスワードが正しくありません',
  too_many_attempts: (e) => `試行回数が上限を超えました。${e.retryAfterS ? `${Math.ceil(e.retryAfterS / 60)}分ほど` : 'しばらく'}待ってから再度お試しください`,
  unauthorized: 'サインインが必要です',
  forbidden: 'この操作を行う権限がありません',
  csrf_failed: '画面の有効期限が切れました。ページを再読み込みしてください',
  job_not_found: 'この依頼は見つかりません（取り消されたか、他社に回りました）',
  offer_not_active: 'この依頼の回答期限が過ぎました',
  offer_expired: 'この依頼の回答期限が過ぎました',
  invalid_transition: 'この状態からは変更できません（画面を更新します）',
  outcome_not_possible: '作業内容に合う結果を選んでください',
  missing_field: '入力してください',
  invalid_field: (e) => `正しく入力してください${e.details && e.details.expected ? `（${e.details.expected}）` : ''}`,
  signature_too_large: '署名の画像が大きすぎます。消してもう一度書いてください',
  invalid_signature: '署名を読み取れません。消してもう一度書いてください',
  unknown_extra: '追加作業の種類が正しくありません',
  database_unavailable: 'サーバーが応答しません。自動で再送します',
  overloaded: 'サーバーが混み合っています。自動で再送します',
  partner_not_found: '協力会社が見つかりません',
};

export const fieldLabels = {
  login: 'ログインID', password: 'パスワード', eta_minutes: '到着見込み', reason: '辞退理由', outcome: '作業結果',
  tow_distance_km: '搬送距離', storage_hours: '保管時間', fuel_litres: '給油量', extras: '追加作業', signature: 'お客様のご署名',
};

export const money = (n) => yen(n);

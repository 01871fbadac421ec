// The console's pure helpers under node's test runner: error codes and details.field to the
// error summary and its field, the ids an event names, the Japanese formats, the area filter,
// the sign-in redirect that never leaves the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, errorSummary, fieldId, query } from '../../web/shared/api.js';
import { idsOf } from '../../web/shared/events.js';
import { yen, km, day, countdown, normalizeInput, areaName, distanceKm } from '../../web/shared/format.js';
import { project, unproject, circlePoints } from '../../web/shared/geo.js';
import * as ja from '../../web/console/ja.js';

test('details.field becomes a labelled line linking to its control', () => {
  const e = new ApiError(400, 'invalid_coordinates', 'lat out of range', { field: 'location.lat' });
  assert.deepEqual(errorSummary(e, ja, ja.fieldLabels), [{ text: '緯度: 緯度は-90〜90、経度は-180〜180で入力してください', field: 'location.lat', href: '#f-location-lat' }]);
  assert.equal(fieldId('caller.name'), 'f-caller-name');
});

test('an unknown field or code still gives a readable line', () => {
  const e = new ApiError(409, 'something_new', 'the server says why', { field: 'nowhere' });
  assert.deepEqual(errorSummary(e, ja, ja.fieldLabels), [{ text: 'the server says why', field: null, href: null }]);
  assert.equal(errorSummary(new Error('x'), ja)[0].text, ja.errors.unexpected);
});

test('429 tells how long to wait', () => {
  const e = new ApiError(429, 'too_many_attempts', 'locked', {}, 600);
  assert.match(errorSummary(e, ja)[0].text, /10分ほど待って/);
});

test('every coverage reason code of api.md has a sentence and a clause', () => {
  for (const code of ['contract_cancelled', 'coverage_not_started', 'coverage_expired', 'mileage_limit_exceeded',
    'plan_excludes_road_service', 'in_deductible_period', 'inspection_expired', 'vehicle_not_private_use',
    'vehicle_type_not_covered', 'vehicle_too_long', 'vehicle_too_wide', 'vehicle_too_heavy']) {
    const r = ja.coverageReasons[code];
    assert.ok(r && r.clause, code);
    assert.ok(r.text({ deductible_until: '2026-03-04', end_date: '2026-01-01' }).length > 5, code);
  }
  assert.equal(ja.coverageReasons.in_deductible_period.text({ deductible_until: '2026-03-04' }), '免責期間中のためサービス対象外です（2026/03/04まで）');
  for (const code of ['incident_not_covered', 'not_remote', 'no_qualifying_tow', 'benefit_already_used', 'claim_window_expired',
    'outside_time_window', 'receipt_missing', 'excluded_items', 'persons_capped', 'capped']) assert.ok(ja.claimReasons[code], code);
});

test('query leaves out empty values; ids are found wherever the event keeps them', () => {
  assert.equal(query({ a: 1, b: '', c: null, d: 'x y' }), '?a=1&d=x+y');
  assert.equal(query({}), '');
  assert.deepEqual(idsOf({ type: 'job_accepted', data: { job_id: 'j', incident_id: 'i' } }), { job_id: 'j', incident_id: 'i' });
  assert.deepEqual(idsOf({ incident_id: 'i', payload: { job: { job_id: 'j' } } }), { incident_id: 'i', job_id: 'j' });
});

test('Japanese formats', () => {
  assert.equal(yen(12345), '¥12,345');
  assert.equal(yen(null), '—');
  assert.equal(km(531.8123), '531.8 km');
  assert.equal(day('2026-02-04'), '2026/02/04');
  assert.equal(countdown(65000), '1:05');
  assert.equal(countdown(-1), '0:00');
  assert.equal(normalizeInput('品川　３００　あ　１２３４ '), '品川 300 あ 1234');
  assert.equal(normalizeInput('ＤＥＭＯ－０００１２'), 'DEMO-00012');
});

test('areas and distances', () => {
  assert.equal(areaName({ lat: 34.70, lon: 135.50 }), '大阪府');
  assert.equal(areaName({ lat: 43.1, lon: 141.3 }), '北海道');
  const d = distanceKm({ lat: 35.6812, lon: 139.7671 }, { lat: 34.7025, lon: 135.4959 });
  assert.ok(d > 395 && d < 405, String(d));  // Tokyo–Osaka stations, about 400 km
});

test('the projection round-trips and the circle keeps its radius', () => {
  const [x, y] = project(35.5, 139.25);
  const p = unproject(x, y);
  assert.ok(Math.abs(p.lat - 35.5) < 1e-9 && Math.abs(p.lon - 139.25) < 1e-9);
  const c = { lat: 35, lon: 135 };
  for (const q of circlePoints(c, 100, 16)) assert.ok(Math.abs(distanceKm(c, q) - 100) < 0.01);
});

test('issue 11\'s names have their Japanese: notes, paid reasons, the accident referral, cancellation', () => {
  const mileage = ja.coverageNotes.mileage_unverified.text({ ask: 'odometer_km', odometer_at_start_km: 42000 });
  assert.match(mileage, /走行距離.*お尋ね/);
  assert.match(mileage, /加入時 42,000 km/);
  assert.doesNotMatch(ja.coverageNotes.mileage_unverified.text({ odometer_at_start_km: 'unknown' }), /加入時/);
  assert.match(ja.coverageNotes.caller_identity_mismatch.text({ name_matches: false, birth_date_matches: true }), /一致しません（氏名）/);
  assert.match(ja.coverageNotes.caller_identity_mismatch.text({ name_matches: false, birth_date_matches: false }), /（氏名・生年月日）/);
  assert.match(ja.coverageNotes.caller_identity_mismatch.text(undefined), /（本人確認）/);
  for (const code of ['not_covered', 'accident_not_breakdown', 'key_lost', 'trunk_lockout', 'special_lock',
    'wheel_drop_two_or_more_wheels', 'wheel_drop_deeper_than_1m', 'destination_not_designated', 'second_tow']) {
    assert.ok(ja.paidReasons[code] && ja.paidReasons[code].text && ja.paidReasons[code].clause, code);
  }
  assert.match(ja.referrals.accident_not_breakdown.title, /自動車保険のロードサービス/);
  assert.equal(ja.referrals.accident_not_breakdown.clause, '第1条2(1) 車両故障の現場');
  assert.deepEqual(Object.keys(ja.cancellation.requestedBy), ['customer', 'operator', 'partner']);
  assert.match(ja.cancellation.free('operator'), /当社・協力会社の都合/);
  assert.match(ja.cancellation.free('customer'), /出動前/);
  for (const code of ['link_used', 'link_expired', 'link_not_found', 'no_phone_on_file', 'shop_not_found', 'signature_not_found', 'image_not_found']) {
    assert.ok(ja.errors[code], code);
  }
  assert.equal(fieldId('caller.holder_birth_date'), 'f-caller-holder_birth_date');
  assert.match(ja.links.sentTo('090-****-5678'), /090-\*\*\*\*-5678 に送信しました/);
  assert.match(ja.links.sentTo(null), /QRコード/);
});

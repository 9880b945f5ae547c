//! Staff sign-in beyond the password, over real HTTP: the lockout per client address across accounts,
//! the TOTP second factor (enrolment confirmed by a code, right, wrong, stale and reused codes, switching
//! it off), signing out everywhere (and a new password doing the same), and accounts an admin switches
//! off, refused at once.
use chrono::Duration;
use linli_hub::admin;
use linli_hub::api::throttle::Rate;
use linli_hub::domain::totp::{self, TotpSecret};
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::cli::hub_cmd_as;
use crate::helpers::{start, TestHub};
use crate::staff::{call, get, set_password, sign_in, staff_with_password, Session, PASSWORD};

async fn attempt(
    t: &TestHub,
    staff: Uuid,
    password: &str,
    code: Option<&str>,
) -> (StatusCode, Value) {
    let resp = t
        .http
        .post(t.url("/v1/staff/session"))
        .json(&json!({"staff_id": staff, "password": password, "code": code}))
        .send()
        .await
        .unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

/// The session of a successful sign-in with a code.
async fn sign_in_with_code(t: &TestHub, staff: Uuid, code: &str) -> Session {
    let resp = t
        .http
        .post(t.url("/v1/staff/session"))
        .json(&json!({"staff_id": staff, "password": PASSWORD, "code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["totp"], true);
    Session {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

/// The code an authenticator app holding `secret` shows `steps` steps from the hub's now.
fn code_at(t: &TestHub, secret: &TotpSecret, steps: i64) -> String {
    totp::code(secret, totp::step_at(t.hub().now().timestamp()) + steps)
}

/// Enrols an authenticator for the signed-in member through the API; the secret it was shown.
async fn enrol(t: &TestHub, s: &Session) -> TotpSecret {
    let (status, body) = call(t, Some(s), Method::POST, "/v1/staff/totp", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = body["secret"].as_str().unwrap();
    let uri = body["uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains(&format!("secret={text}")), "{uri}");
    assert!(uri.contains("digits=6") && uri.contains("period=30") && uri.contains("SHA1"));
    TotpSecret::from_bytes(base32_decode(text))
}

/// RFC 4648 base32 (no padding) back to bytes, as an authenticator app reads the typed secret.
fn base32_decode(s: &str) -> Vec<u8> {
    let (mut buf, mut bits, mut out) = (0u32, 0u32, vec![]);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base32: {s}"),
        };
        buf = (buf << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

#[tokio::test]
async fn wrong_passwords_from_one_address_across_accounts_back_that_address_off() {
    let t = start().await;
    // The test lowers the budget (twenty at once in production) so a few attempts spend it.
    t.hub().staff_sign_in_failures().set_rate(Rate {
        per_minute: 1,
        burst: 4,
    });
    let c = t.community();
    let a = staff_with_password(&t, c).await;
    let b = staff_with_password(&t, c).await;
    let fresh = staff_with_password(&t, c).await;
    // Two wrong passwords each for two accounts, one unknown id: no account is locked (five each).
    for who in [a, b, a] {
        assert_eq!(
            attempt(&t, who, "guess", None).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let (status, body) = attempt(&t, Uuid::now_v7(), "guess", None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("staff_sign_in_failed"))
    );
    // The address has spent its failures: even the right password of an untouched account waits.
    let (status, body) = attempt(&t, fresh, PASSWORD, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "staff_locked");
    // It is the address, not the accounts: none of them counts five failures.
    let creds = t.hub().store().staff_credentials(a).unwrap().unwrap();
    assert_eq!((creds.failures, creds.locked_until), (2, None));
    // Once the budget refills (here: at once), the right password works again.
    t.hub().staff_sign_in_failures().set_rate(Rate {
        per_minute: 60_000,
        burst: 4,
    });
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    assert_eq!(attempt(&t, fresh, PASSWORD, None).await.0, StatusCode::OK);
}

#[test]
fn the_per_address_budget_outlasts_the_per_account_lock() {
    // A clerk locked out of their own account (five) has not locked the office's address with it.
    let r = Rate::STAFF_SIGN_IN_FAILURES_PER_ADDRESS;
    assert!(r.burst as i64 > 2 * admin::staff_auth::LOCK_AFTER);
    assert!(r.per_minute <= 2);
}

#[tokio::test]
async fn totp_is_on_only_after_a_confirming_code_and_then_sign_in_needs_one() {
    let t = start().await;
    let staff = staff_with_password(&t, t.community()).await;
    let s = sign_in(&t, staff).await;
    let secret = enrol(&t, &s).await;
    // Not confirmed yet: the password alone still signs in.
    assert_eq!(attempt(&t, staff, PASSWORD, None).await.0, StatusCode::OK);
    // A wrong confirming code leaves it off.
    let wrong = format!(
        "{:06}",
        (code_at(&t, &secret, 0).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    let (status, body) = call(
        &t,
        Some(&s),
        Method::POST,
        "/v1/staff/totp/confirm",
        Some(json!({"code": wrong})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("staff_totp_invalid"))
    );
    assert_eq!(attempt(&t, staff, PASSWORD, None).await.0, StatusCode::OK);
    // The right code switches it on; enrolling again is refused while it is on.
    let first = code_at(&t, &secret, 0);
    let (status, _) = call(
        &t,
        Some(&s),
        Method::POST,
        "/v1/staff/totp/confirm",
        Some(json!({"code": first})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(&t, Some(&s), Method::POST, "/v1/staff/totp", None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("staff_totp_enabled"))
    );

    // The password alone is no longer enough, and that attempt counts as no failure.
    let (status, body) = attempt(&t, staff, PASSWORD, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("staff_totp_required"))
    );
    // The code used to confirm is used up: the same step's code is refused.
    let (status, body) = attempt(&t, staff, PASSWORD, Some(&first)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("staff_totp_invalid"))
    );
    // A wrong password with a right code is a wrong password.
    let (status, body) = attempt(&t, staff, "guess", Some(&code_at(&t, &secret, 1))).await;
    assert_eq!(body["code"], "staff_sign_in_failed", "{status}");

    // Thirty seconds later the app shows a new code: it signs in, once.
    t.clock.advance(Duration::seconds(30));
    let now = code_at(&t, &secret, 0);
    let signed = sign_in_with_code(&t, staff, &now).await;
    assert_eq!(
        get(&t, &signed, "/v1/staff/reports").await.0,
        StatusCode::OK
    );
    let (status, body) = attempt(&t, staff, PASSWORD, Some(&now)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("staff_totp_invalid")),
        "a reused code"
    );
    // A code from two steps ago is too old; one a step ahead (a phone's clock running fast) is good.
    t.clock.advance(Duration::seconds(30));
    let (_, body) = attempt(&t, staff, PASSWORD, Some(&code_at(&t, &secret, -2))).await;
    assert_eq!(body["code"], "staff_totp_invalid");
    sign_in_with_code(&t, staff, &code_at(&t, &secret, 1)).await;
    // ...and once the step ahead has been used, the current step's code (earlier) is refused too.
    let (_, body) = attempt(&t, staff, PASSWORD, Some(&code_at(&t, &secret, 0))).await;
    assert_eq!(body["code"], "staff_totp_invalid");
}

#[tokio::test]
async fn wrong_codes_count_toward_the_lockout() {
    let t = start().await;
    let staff = staff_with_password(&t, t.community()).await;
    let s = sign_in(&t, staff).await;
    let secret = enrol(&t, &s).await;
    let code = code_at(&t, &secret, 0);
    call(
        &t,
        Some(&s),
        Method::POST,
        "/v1/staff/totp/confirm",
        Some(json!({"code": code})),
    )
    .await;
    t.clock.advance(Duration::seconds(90));
    for _ in 0..admin::staff_auth::LOCK_AFTER {
        let (_, body) = attempt(&t, staff, PASSWORD, Some("000000")).await;
        assert_eq!(body["code"], "staff_totp_invalid");
    }
    // Locked now: even the right password and code wait.
    let (status, body) = attempt(&t, staff, PASSWORD, Some(&code_at(&t, &secret, 0))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("staff_locked"))
    );
    t.clock.advance(Duration::seconds(31));
    sign_in_with_code(&t, staff, &code_at(&t, &secret, 0)).await;
}

#[tokio::test]
async fn switching_totp_off_takes_a_current_code() {
    let t = start().await;
    let staff = staff_with_password(&t, t.community()).await;
    let s = sign_in(&t, staff).await;
    let secret = enrol(&t, &s).await;
    call(
        &t,
        Some(&s),
        Method::POST,
        "/v1/staff/totp/confirm",
        Some(json!({"code": code_at(&t, &secret, 0)})),
    )
    .await;
    t.clock.advance(Duration::seconds(30));
    let (status, body) = call(
        &t,
        Some(&s),
        Method::POST,
        "/v1/staff/totp/disable",
        Some(json!({"code": "123"})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("staff_totp_invalid"))
    );
    assert_eq!(
        t.hub()
            .store()
            .staff_credentials(staff)
            .unwrap()
            .unwrap()
            .failures,
        1
    );
    // Without the CSRF token it is refused like any other change.
    let resp = t
        .http
        .post(t.url("/v1/staff/totp/disable"))
        .header(COOKIE, &s.cookie)
        .json(&json!({"code": code_at(&t, &secret, 0)}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let (status, _) = call(
        &t,
        Some(&s),
        Method::POST,
        "/v1/staff/totp/disable",
        Some(json!({"code": code_at(&t, &secret, 0)})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = attempt(&t, staff, PASSWORD, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["totp"], false);
    let creds = t.hub().store().staff_credentials(staff).unwrap().unwrap();
    assert!(creds.totp.is_none() && creds.totp_pending.is_none());
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_of_that_member_only() {
    let t = start().await;
    let c = t.community();
    let staff = staff_with_password(&t, c).await;
    let other = staff_with_password(&t, c).await;
    let desk = sign_in(&t, staff).await;
    let phone = sign_in(&t, staff).await;
    let theirs = sign_in(&t, other).await;
    // Without the CSRF token, nothing ends.
    let resp = t
        .http
        .delete(t.url("/v1/staff/sessions"))
        .header(COOKIE, &phone.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert_eq!(get(&t, &desk, "/v1/staff/reports").await.0, StatusCode::OK);

    let resp = t
        .http
        .delete(t.url("/v1/staff/sessions"))
        .header(COOKIE, &phone.cookie)
        .header("X-CSRF-Token", &phone.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    for s in [&desk, &phone] {
        assert_eq!(
            get(&t, s, "/v1/staff/reports").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        get(&t, &theirs, "/v1/staff/reports").await.0,
        StatusCode::OK
    );
    // Signing in again works as before.
    let again = sign_in(&t, staff).await;
    assert_eq!(get(&t, &again, "/v1/staff/reports").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_new_password_through_a_new_link_ends_every_session() {
    let t = start().await;
    let staff = staff_with_password(&t, t.community()).await;
    let a = sign_in(&t, staff).await;
    let b = sign_in(&t, staff).await;
    let link = admin::staff_auth::issue_link(t.hub(), staff).unwrap();
    // Issuing the link ends nothing yet (it may be lost in the post).
    assert_eq!(get(&t, &a, "/v1/staff/reports").await.0, StatusCode::OK);
    assert_eq!(
        set_password(&t, &link, "a different long password").await.0,
        StatusCode::NO_CONTENT
    );
    for s in [&a, &b] {
        assert_eq!(
            get(&t, s, "/v1/staff/reports").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt(&t, staff, PASSWORD, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        attempt(&t, staff, "a different long password", None)
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_disabled_member_is_refused_at_once_and_an_enabled_one_signs_in_again() {
    let t = start().await;
    let staff = staff_with_password(&t, t.community()).await;
    let s = sign_in(&t, staff).await;
    assert_eq!(get(&t, &s, "/v1/staff/reports").await.0, StatusCode::OK);
    // The real binary, as the office runs it, on the same data directory.
    let id = staff.to_string();
    let out = hub_cmd_as(t.dir.path(), None, &["staff", "disable", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&staff.to_string()));
    // The very next request of the open session answers 401.
    let (status, body) = get(&t, &s, "/v1/staff/reports").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    // Sign-in is refused even with the right password; a wrong one is still just wrong.
    let (status, body) = attempt(&t, staff, PASSWORD, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("staff_disabled"))
    );
    assert_eq!(
        attempt(&t, staff, "guess", None).await.1["code"],
        "staff_sign_in_failed"
    );

    let out = hub_cmd_as(t.dir.path(), None, &["staff", "enable", &id]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The old session stays over; a new sign-in works.
    assert_eq!(
        get(&t, &s, "/v1/staff/reports").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(attempt(&t, staff, PASSWORD, None).await.0, StatusCode::OK);

    // An unknown id is refused with a message, not a backtrace.
    let out = hub_cmd_as(
        t.dir.path(),
        None,
        &["staff", "disable", &Uuid::now_v7().to_string()],
    );
    assert!(!out.status.success());
}

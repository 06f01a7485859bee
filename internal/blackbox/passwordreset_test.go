package blackbox

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/internal/testenv"
)

const newPassword = "a brand new and long password"

// expectExpired fails unless path answers the "expired or already used" page.
func expectExpired(t *testing.T, c *client, what, path string) {
	t.Helper()
	r := c.get(path)
	if r.Status != http.StatusNotFound || !strings.Contains(r.Body, "This link has expired or was already used") {
		t.Fatalf("%s: GET link %d, want 404 with the expired page\n%.1500s", what, r.Status, r.Body)
	}
}

// expectEnded fails unless c's session no longer works.
func expectEnded(t *testing.T, what string, c *client) {
	t.Helper()
	if r := c.get("/account"); r.Status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("%s: GET /account %d %q, want 303 /login (session ended)", what, r.Status, r.location())
	}
}

// Issue 13, the whole reset: the form, the mail through a real SMTP server,
// the link, the new password; every other session ends, this browser is signed
// in afresh, the owner is told, the link works once, and its token never
// reaches the log.
func TestPasswordResetByMail(t *testing.T) {
	t.Parallel()
	env, api := mailEnv(t, nil)
	b := sharedBackends(t)
	a := startApp(t, b, env)
	first, email := newUser(t, a)
	second := newClient(t, a)
	second.login(email, testPassword)

	guest := newClient(t, a)
	if r := guest.get("/login"); !strings.Contains(r.Body, `href="/password/forgot"`) {
		t.Fatal(`the login page has no "Forgot your password?" link`)
	}
	unknown := "nobody-" + email
	if r := guest.requestReset(unknown); r.Status != http.StatusOK {
		t.Fatalf("forgot (unknown address): %d", r.Status)
	}
	r := guest.requestReset(strings.ToUpper(email))
	if r.Status != http.StatusOK || !strings.Contains(r.Body, "If an account exists for that address, we sent a link. It works for 1 hour.") {
		t.Fatalf("forgot: %d\n%.2000s", r.Status, r.Body)
	}

	mail := testenv.WaitMail(t, api, email)
	if mail.Subject != "Reset your Storefront password" || !strings.Contains(mail.Text, "It works once, for 1 hour") {
		t.Fatalf("reset mail: %q\n%s", mail.Subject, mail.Text)
	}
	link := mailedLink(t, mail, "/password/reset/")
	token := strings.TrimPrefix(link, "/password/reset/")

	page := guest.get(link)
	if page.Status != http.StatusOK || page.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("GET link: %d, Referrer-Policy %q", page.Status, page.Header.Get("Referrer-Policy"))
	}
	if weak := guest.postWithToken(link, url.Values{"password": {"password1234"}}); weak.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(weak.Body, "most common") {
		t.Fatalf("a common password: %d", weak.Status)
	}
	done := guest.postWithToken(link, url.Values{"password": {newPassword}})
	if done.Status != http.StatusSeeOther || done.location() != "/account" || guest.session() == "" {
		t.Fatalf("reset: %d %q, session %v", done.Status, done.location(), guest.session() != "")
	}
	if acct := guest.get("/account"); acct.Status != http.StatusOK || !strings.Contains(acct.Body, "Your password has been reset") {
		t.Fatalf("after the reset: GET /account %d", acct.Status)
	}
	expectEnded(t, "the first session", first)
	expectEnded(t, "the second session", second)
	expectExpired(t, newClient(t, a), "the used link", link)

	mails := waitMails(t, api, email, 2)
	if mails[0].Subject != "Your Storefront password was changed" {
		t.Fatalf("newest mail %q, want the password-changed notice", mails[0].Subject)
	}
	if r := newClient(t, a).loginAttempt(email, testPassword); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("the old password still logs in: %d", r.Status)
	}
	newClient(t, a).login(email, newPassword)

	// The unknown address: its job ran, and no mail went to it.
	db := openSQL(t, b.DatabaseURL)
	for deadline := time.Now().Add(30 * time.Second); countRows(t, db,
		`SELECT count(*) FROM river_job WHERE kind = 'password_reset_request' AND state <> 'completed'`) > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("reset-request jobs not completed within 30 s")
		}
	}
	if msgs := testenv.MailpitMessages(t, api, unknown); len(msgs) != 0 {
		t.Fatalf("%d mails to an address without an account", len(msgs))
	}

	a.waitLogged(done)
	if a.logsHold(token) {
		t.Fatal("the reset token is in the log")
	}
	if len(a.logs.records(map[string]any{"msg": "request", "path": "/password/reset/REDACTED"})) < 3 {
		t.Fatal("the link's requests are not logged with the token redacted")
	}
	requested := a.logs.records(map[string]any{"msg": "security event", "event": "password.reset.requested"})
	if len(requested) != 2 || requested[0]["email_digest"] == requested[1]["email_digest"] {
		t.Fatalf("password.reset.requested events %v: want one per request, told apart by digest", requested)
	}
	for _, rec := range requested {
		if line := fmt.Sprint(rec); strings.Contains(line, "@") {
			t.Fatalf("the security log names the typed address: %s", line)
		}
	}
	if len(a.logs.records(map[string]any{"msg": "security event", "event": "password.reset"})) != 1 {
		t.Error("no password.reset security event")
	}
}

// A link dies when a newer one is sent, when the password changes by any
// route, and when its time (PASSWORD_RESET_TTL) is up.
func TestPasswordResetLinksAreVoided(t *testing.T) {
	t.Parallel()
	env, api := mailEnv(t, nil)
	a := startApp(t, sharedBackends(t), env)

	t.Run("ByANewerLink", func(t *testing.T) {
		_, email := newUser(t, a)
		guest := newClient(t, a)
		guest.requestReset(email)
		older := mailedLink(t, testenv.WaitMail(t, api, email), "/password/reset/")
		guest.requestReset(email)
		mails := waitMails(t, api, email, 2)
		newer := mailedLink(t, mails[0], "/password/reset/")
		if newer == older {
			t.Fatal("the second mail holds the same link")
		}
		expectExpired(t, guest, "the older link", older)
		if r := guest.get(newer); r.Status != http.StatusOK {
			t.Fatalf("the newer link: %d", r.Status)
		}
	})

	t.Run("ByAPasswordChange", func(t *testing.T) {
		user, email := newUser(t, a)
		newClient(t, a).requestReset(email)
		link := mailedLink(t, testenv.WaitMail(t, api, email), "/password/reset/")
		user.get("/account/password")
		r := user.postWithToken("/account/password", url.Values{"current_password": {testPassword}, "new_password": {newPassword}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("change password: %d\n%.1500s", r.Status, r.Body)
		}
		expectExpired(t, newClient(t, a), "a link sent before the change", link)
		if mails := waitMails(t, api, email, 2); mails[0].Subject != "Your Storefront password was changed" {
			t.Fatalf("newest mail %q, want the notice", mails[0].Subject)
		}
	})
}

// PASSWORD_RESET_TTL sets the link's lifetime, and an expired link is refused
// like a used one.
func TestPasswordResetLinkExpires(t *testing.T) {
	t.Parallel()
	env, api := mailEnv(t, map[string]string{"PASSWORD_RESET_TTL": "2s"})
	b := sharedBackends(t)
	a := startApp(t, b, env)
	_, email := newUser(t, a)
	newClient(t, a).requestReset(email)
	mail := testenv.WaitMail(t, api, email)
	if !strings.Contains(mail.Text, "It works once, for 2 seconds") {
		t.Fatalf("the mail does not say how long the link works:\n%s", mail.Text)
	}
	link := mailedLink(t, mail, "/password/reset/")
	db := openSQL(t, b.DatabaseURL)
	if n := countRows(t, db, `SELECT count(*) FROM account_tokens WHERE expires_at - created_at = interval '2 seconds'`); n != 1 {
		t.Fatalf("%d links valid for exactly 2 s, want 1", n)
	}
	c := newClient(t, a)
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := c.get(link)
		if r.Status == http.StatusNotFound {
			break
		}
		if r.Status != http.StatusOK || time.Now().After(deadline) {
			t.Fatalf("GET link: %d; still not expired after 20 s", r.Status)
		}
		time.Sleep(100 * time.Millisecond) // polling interval of a bounded wait for the clock
	}
	expectExpired(t, c, "the expired link", link)
	if r := c.postWithToken(link, url.Values{"password": {newPassword}}); r.Status != http.StatusNotFound {
		t.Fatalf("POST to an expired link: %d", r.Status)
	}
	newClient(t, a).login(email, testPassword)
}

// Two instances share sessions through Redis: a reset through one ends the
// user's sessions on both, and the new session works on both.
func TestPasswordResetEndsSessionsOnEveryInstance(t *testing.T) {
	t.Parallel()
	env, api := mailEnv(t, nil)
	b := sharedBackends(t)
	a1 := startApp(t, b, env)
	a2 := startApp(t, b, env)
	on1, email := newUser(t, a1)
	on2 := newClient(t, a2)
	on2.login(email, testPassword)

	guest := newClient(t, a2)
	guest.requestReset(email)
	link := mailedLink(t, testenv.WaitMail(t, api, email), "/password/reset/")
	guest.get(link)
	if r := guest.postWithToken(link, url.Values{"password": {newPassword}}); r.Status != http.StatusSeeOther {
		t.Fatalf("reset on instance 2: %d", r.Status)
	}
	expectEnded(t, "the session on instance 1", on1)
	expectEnded(t, "the session on instance 2", on2)
	// The new session is one session, wherever it lands.
	elsewhere := newClient(t, a1)
	elsewhere.cookies[sessionCookie] = guest.session()
	if r := elsewhere.get("/account"); r.Status != http.StatusOK {
		t.Fatalf("the new session on instance 1: %d", r.Status)
	}
}

// Issue 13: the forgot-password form says the same for an address with an
// account and one without, with the same status and body, and takes the same
// time because it does the same work: it answers before anything looks the
// address up. Here the app runs no workers (WORKERS=false), so what each
// request did is still in the database: one queued job each, and no link.
func TestForgotPasswordSameAnswerForAnyAddress(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, map[string]string{"WORKERS": "false", "FORGOT_IP_LIMIT": "1000/1m", "FORGOT_EMAIL_LIMIT": "1000/1m"})
	_, email := newUser(t, a)
	unknown := "nobody-" + email
	db := openSQL(t, b.DatabaseURL)

	c := newClient(t, a)
	c.get("/password/forgot")
	known := c.postWithToken("/password/forgot", url.Values{"email": {email}})
	other := c.postWithToken("/password/forgot", url.Values{"email": {unknown}})
	if known.Status != http.StatusOK || other.Status != known.Status || other.Body != known.Body {
		t.Fatalf("known: %d, unknown: %d, bodies equal: %v", known.Status, other.Status, other.Body == known.Body)
	}
	jobs := countRows(t, db, `SELECT count(*) FROM river_job WHERE kind = 'password_reset_request' AND args->>'email' IN ($1, $2)`, email, unknown)
	if jobs != 2 || countRows(t, db, `SELECT count(*) FROM account_tokens`) != 0 {
		t.Fatalf("%d reset-request jobs, %d links: want one job per request and no link before a worker runs",
			jobs, countRows(t, db, `SELECT count(*) FROM account_tokens`))
	}

	// Times, for the record and a loose check: requests alternate so that both
	// kinds meet the same load; medians shrug off the odd slow request. Both
	// paths run the same statements (a Redis script, one INSERT), so any
	// difference is noise: the factor only catches a path that does real work
	// the other does not, such as a password hash (tens of milliseconds here,
	// against a few for the whole request).
	var knownTimes, unknownTimes []time.Duration
	for range 15 {
		knownTimes = append(knownTimes, c.postWithToken("/password/forgot", url.Values{"email": {email}}).Elapsed)
		unknownTimes = append(unknownTimes, c.postWithToken("/password/forgot", url.Values{"email": {unknown}}).Elapsed)
	}
	k, u := median(knownTimes), median(unknownTimes)
	t.Logf("median answer: %v for an account's address, %v for an address without one", k, u)
	if k > 4*u || u > 4*k {
		t.Fatalf("medians differ by more than 4x: known %v, unknown %v", k, u)
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// FORGOT_EMAIL_LIMIT counts requests per typed address, with or without an
// account alike; FORGOT_IP_LIMIT per client IP. Over either: the form again with
// only the throttle message, 429 and Retry-After.
func TestForgotPasswordThrottled(t *testing.T) {
	t.Parallel()
	a := startApp(t, sharedBackends(t), map[string]string{"FORGOT_IP_LIMIT": "3/1m", "FORGOT_EMAIL_LIMIT": "2/1h"})
	_, email := newUser(t, a)

	for _, address := range []string{email, "nobody-" + email} {
		var last *response
		for i, ip := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"} {
			last = newClientFrom(t, a.base, ip).requestReset(address)
			if want := map[bool]int{true: http.StatusOK, false: http.StatusTooManyRequests}[i < 2]; last.Status != want {
				t.Fatalf("%s, request %d: %d, want %d", address, i+1, last.Status, want)
			}
		}
		if last.Header.Get("Retry-After") == "" || !strings.Contains(last.Body, "Too many attempts. Try again in") ||
			!strings.Contains(last.Body, `value="`+address+`"`) || strings.Contains(last.Body, "we sent a link") {
			t.Fatalf("%s throttled: Retry-After %q\n%.2000s", address, last.Header.Get("Retry-After"), last.Body)
		}
	}

	c := newClientFrom(t, a.base, "127.0.0.5")
	for i := range 3 {
		if r := c.requestReset("someone" + randomHex(3) + "@example.com"); r.Status != http.StatusOK {
			t.Fatalf("address %d from one IP: %d", i+1, r.Status)
		}
	}
	if r := c.requestReset("someone-else@example.com"); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Fatalf("fourth address from one IP: %d, Retry-After %q", r.Status, r.Header.Get("Retry-After"))
	}
	if len(a.logs.records(map[string]any{"msg": "security event", "event": "throttle.hit", "action": "password_forgot"})) == 0 {
		t.Error("no throttle.hit security event for the forgot form")
	}
}

// Links in mail come from PUBLIC_URL only: a Host or X-Forwarded-Host header the
// client picks (even through a trusted proxy) changes none of them.
func TestMailedLinksIgnoreHostHeaders(t *testing.T) {
	t.Parallel()
	env, api := mailEnv(t, map[string]string{"TRUSTED_PROXIES": "127.0.0.1"})
	a := startApp(t, sharedBackends(t), env)
	user, email := newUser(t, a)
	forged := http.Header{"Host": {"evil.example"}, "X-Forwarded-Host": {"evil.example"}, "X-Forwarded-Proto": {"http"},
		"Content-Type": {"application/x-www-form-urlencoded"}}

	guest := newClient(t, a)
	guest.get("/password/forgot")
	r := guest.request(http.MethodPost, "/password/forgot", stringsReader(url.Values{"_csrf": {guest.csrf}, "email": {email}}), forged)
	if r.Status != http.StatusOK {
		t.Fatalf("forgot with forged host headers: %d", r.Status)
	}
	reset := testenv.WaitMail(t, api, email)
	mailedLink(t, reset, "/password/reset/")

	newAddress := "moved-" + email
	user.get("/account/email")
	r = user.request(http.MethodPost, "/account/email",
		stringsReader(url.Values{"_csrf": {user.csrf}, "email": {newAddress}, "current_password": {testPassword}}), forged)
	if r.Status != http.StatusOK {
		t.Fatalf("email change with forged host headers: %d\n%.1500s", r.Status, r.Body)
	}
	confirm := testenv.WaitMail(t, api, newAddress)
	mailedLink(t, confirm, "/account/email/confirm/")
	for _, m := range []testenv.Mail{reset, confirm} {
		if strings.Contains(m.Text+m.HTML, "evil.example") {
			t.Fatalf("mail %q names the forged host", m.Subject)
		}
	}
}

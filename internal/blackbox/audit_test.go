package blackbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Issue 8, item 15 (the session part): sign-up, logout and CSRF refusals are
// security events with their own JSON log line, the request id and the client
// IP, and never a password, token or session id.
func TestSessionSecurityEventsAreLogged(t *testing.T) {
	t.Parallel()
	a := startApp(t, sharedBackends(t), nil)

	c := newClient(t, a)
	email := "audit" + randomHex(4) + "@example.com"
	c.signup(email, testPassword)
	c.get("/account")
	secrets := []string{testPassword, c.session(), c.csrf, c.cookies[guestCookie]}
	if r := c.post("/products", url.Values{"_csrf": {"forged"}, "name": {"x"}, "price": {"1"}}, nil); r.Status != http.StatusForbidden {
		t.Fatalf("forged POST /products: %d", r.Status)
	}
	if r := c.post("/logout", url.Values{"_csrf": {c.csrf}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}); r.Status != http.StatusForbidden {
		t.Fatalf("cross-site POST /logout: %d", r.Status)
	}
	r := c.postWithToken("/logout", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("POST /logout: %d", r.Status)
	}
	a.waitLogged(r)

	for _, want := range []map[string]any{
		{"msg": "security event", "event": "signup"},
		{"msg": "security event", "event": "logout"},
		{"msg": "security event", "event": "csrf.refused", "reason": "session_token", "path": "/products"},
		{"msg": "security event", "event": "csrf.refused", "reason": "cross_site", "path": "/logout"},
	} {
		recs := a.logs.records(want)
		if len(recs) != 1 {
			t.Errorf("log records %v: %d, want 1", want, len(recs))
			continue
		}
		if rec := recs[0]; rec["rid"] == "" || rec["rid"] == nil || rec["ip"] != "127.0.0.1" {
			t.Errorf("%v: no request id or client IP: %v", want, rec)
		}
	}
	for _, line := range a.logs.all() {
		for _, secret := range secrets {
			if secret != "" && strings.Contains(line, secret) {
				t.Errorf("a log line holds a password, token or session id: %s", line)
			}
		}
	}
	t.Logf("security events: %s", fmt.Sprint(len(a.logs.records(map[string]any{"msg": "security event"}))))
}

// waitLogged waits until the app has logged r's request (its access-log line,
// written after everything the request logged itself), within a bound.
func (a *app) waitLogged(r *response) {
	a.t.Helper()
	rid := r.Header.Get("X-Request-Id")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if len(a.logs.records(map[string]any{"msg": "request", "rid": rid})) > 0 {
			return
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("request %q not logged within 5 s", rid)
		}
	}
}

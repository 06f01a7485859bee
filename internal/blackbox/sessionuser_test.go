package blackbox

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Issue 8, item 8: a session whose user row is gone (deleted by an operator, or
// later by account deletion) is ended on its next request, whatever the request:
// the visitor is a guest, never a 404 or a 500. All of that user's sessions end.
func TestDeletedUserIsSignedOut(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, nil)
	db := openSQL(t, b.DatabaseURL)
	rdb := openRedis(t, b.RedisURL)

	browsing, email := newUser(t, a)
	seller := newClient(t, a)
	seller.login(email, testPassword)
	seller.get("/products/new")
	account := newClient(t, a)
	account.login(email, testPassword)
	other, otherEmail := newUser(t, a)
	sessions := []string{browsing.session(), seller.session(), account.session()}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, `DELETE FROM users WHERE email = $1`, email); err != nil {
		t.Fatal(err)
	}

	// A page that only names the user: signed out, cookie cleared.
	r := browsing.get("/products")
	if r.Status != http.StatusOK || strings.Contains(r.Body, email) || strings.Contains(r.Body, `action="/logout"`) {
		t.Errorf("GET /products after the user was deleted: %d, still signed in", r.Status)
	}
	if browsing.session() != "" {
		t.Errorf("the dead session's cookie was not cleared")
	}
	// Every other session of that user ended with it (no 404 on /account, no
	// 500 from a product create).
	for _, id := range sessions {
		if redisExists(t, rdb, b.RedisPrefix+"session:"+id) {
			t.Errorf("a session of the deleted user is still stored")
		}
	}
	if r := account.get("/account"); r.Status != http.StatusSeeOther || r.location() != "/login" {
		t.Errorf("GET /account after the user was deleted: %d %q, want 303 /login", r.Status, r.location())
	}
	r = seller.postWithToken("/products", url.Values{"name": {"Orphan"}, "description": {"x"}, "price": {"1.00"}})
	if r.Status != http.StatusSeeOther || r.location() != "/login" {
		t.Errorf("POST /products after the user was deleted: %d %q, want 303 /login", r.Status, r.location())
	}
	assertNoLeak(t, "POST /products by a deleted user", r)
	if n := countRows(t, db, `SELECT count(*) FROM products`); n != 0 {
		t.Errorf("%d products created for a deleted user", n)
	}
	a.waitLogged(r)
	if recs := a.logs.records(map[string]any{"event": "session.ended", "reason": "user_gone"}); len(recs) == 0 {
		t.Errorf("no security event for the sessions ended because the user is gone")
	}
	// Nobody else is affected, and the address can sign up again.
	if r := other.get("/account"); r.Status != http.StatusOK || !strings.Contains(r.Body, otherEmail) {
		t.Errorf("another user's session: GET /account %d", r.Status)
	}
	again := newClient(t, a)
	again.signup(email, testPassword)
	if r := again.get("/account"); r.Status != http.StatusOK {
		t.Errorf("signing up again with the deleted address: GET /account %d", r.Status)
	}
}

// Issue 8, item 9: a signed-in visitor posting the sign-up form (left open in
// another tab, or with the session's own token) creates nothing and stays who
// they are; the account page tells them why.
func TestSignedInSignupIsRefused(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, nil)
	db := openSQL(t, b.DatabaseURL)

	c := newClient(t, a)
	c.get("/signup")
	staleForm := c.csrf // the sign-up page of another tab, opened before signing up
	email := "first" + randomHex(4) + "@example.com"
	c.signup(email, testPassword)
	c.get("/account")
	sessionBefore := c.session()
	users := countRows(t, db, `SELECT count(*) FROM users`)

	for _, tc := range []struct {
		name  string
		token string
		hdr   http.Header
		want  func(*response) bool
	}{
		{"the stale tab's form", staleForm, nil, func(r *response) bool {
			return r.Status == http.StatusSeeOther && r.location() == "/account"
		}},
		{"the session's token", c.csrf, nil, func(r *response) bool {
			return r.Status == http.StatusSeeOther && r.location() == "/account"
		}},
		{"htmx", c.csrf, http.Header{"Hx-Request": {"true"}}, func(r *response) bool {
			return r.Status == http.StatusNoContent && r.Header.Get("HX-Redirect") == "/account"
		}},
	} {
		second := "second" + randomHex(4) + "@example.com"
		r := c.post("/signup", url.Values{"_csrf": {tc.token}, "email": {second}, "password": {testPassword}}, tc.hdr)
		if !tc.want(r) {
			t.Errorf("%s: POST /signup while signed in: %d %q (HX-Redirect %q), want to be sent to /account",
				tc.name, r.Status, r.location(), r.Header.Get("HX-Redirect"))
		}
		if n := countRows(t, db, `SELECT count(*) FROM users`); n != users {
			t.Errorf("%s: users %d -> %d: an account was created", tc.name, users, n)
		}
		if c.session() != sessionBefore {
			t.Errorf("%s: the session changed", tc.name)
		}
		page := c.get("/account")
		if page.Status != http.StatusOK || !strings.Contains(page.Body, email) {
			t.Fatalf("%s: GET /account %d: no longer signed in as %s", tc.name, page.Status, email)
		}
		want := "You&#39;re signed in as " + email + ". Log out to create another account."
		if !strings.Contains(page.Body, want) {
			t.Errorf("%s: the account page does not say %q", tc.name, want)
		}
	}
	// Forgeries are still refused first.
	if r := c.post("/signup", url.Values{"_csrf": {"x"}, "email": {"third@example.com"}, "password": {testPassword}}, nil); r.Status != http.StatusForbidden {
		t.Errorf("POST /signup with a wrong token while signed in: %d, want 403", r.Status)
	}
}

// Issue 9: ending all of a user's sessions ends them on every instance within
// one request. Two app processes share Redis; the user is signed in through
// both; "Log out everywhere" on one ends every session on both at once, and
// nobody else's.
func TestSignOutEverywhereAcrossInstances(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	one := startApp(t, b, nil)
	two := startApp(t, b, nil)
	rdb := openRedis(t, b.RedisURL)

	_, email := newUser(t, one)
	var mine []*client
	for _, a := range []*app{one, one, two, two} {
		c := newClient(t, a)
		c.login(email, testPassword)
		if r := c.get("/account"); r.Status != http.StatusOK {
			t.Fatalf("GET /account on %s: %d", a.addr, r.Status)
		}
		mine = append(mine, c)
	}
	bystander, _ := newUser(t, two)

	// Everywhere, from an instance-two session.
	r := mine[2].postWithToken("/logout/everywhere", nil)
	if r.Status != http.StatusSeeOther || r.location() != "/" || mine[2].session() != "" {
		t.Fatalf("POST /logout/everywhere: %d %q, cookie %q", r.Status, r.location(), mine[2].session())
	}
	for i, c := range mine {
		for _, a := range []*app{one, two} {
			probe := c.clone()
			probe.base = a.base
			if r := probe.get("/account"); r.Status != http.StatusSeeOther || r.location() != "/login" {
				t.Errorf("session %d on %s right after signing out everywhere: GET /account %d %q", i, a.addr, r.Status, r.location())
			}
		}
	}
	if keys := redisKeys(t, rdb, b.RedisPrefix+"session:"); len(keys) != 1 {
		t.Errorf("session keys left: %d, want only the bystander's", len(keys))
	}
	if keys := redisKeys(t, rdb, b.RedisPrefix+"user-sessions:"); len(keys) != 1 {
		t.Errorf("session indexes left: %v, want only the bystander's", keys)
	}
	if r := bystander.get("/account"); r.Status != http.StatusOK {
		t.Errorf("another user's session ended too: %d", r.Status)
	}
	page := mine[2].get("/")
	if !strings.Contains(page.Body, "You are logged out on every device.") {
		t.Errorf("no message after signing out everywhere")
	}
}

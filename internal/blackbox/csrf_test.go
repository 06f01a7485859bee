package blackbox

import (
	"net/http"
	"net/url"
	"testing"
)

// Every state-changing route refuses a request without the session's token, with
// another session's token, and from another site even with the right token; the
// database and the session are unchanged afterwards. (handlers/routes_csrf_test.go
// checks that this list is every non-GET route of the router.)
func TestCSRF(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, nil)
	db := openSQL(t, b.DatabaseURL)
	_, email := newUser(t, a)
	attacker, _ := newUser(t, a)
	attacker.get("/account")
	foreignToken := attacker.csrf

	type route struct {
		path     string
		signedIn bool // the victim is signed in (else holds a login/sign-up form)
		form     url.Values
	}
	routes := []route{
		{"/products", true, url.Values{"name": {"Forged"}, "description": {"x"}, "price": {"1.00"}}},
		{"/logout", true, url.Values{}},
		{"/logout/everywhere", true, url.Values{}},
		{"/login", false, url.Values{"email": {email}, "password": {testPassword}}},
		{"/signup", false, url.Values{"email": {"forged" + randomHex(4) + "@example.com"}, "password": {testPassword}}},
	}
	attacks := []struct {
		name  string
		token func(victim *client) string
		hdr   http.Header
	}{
		{"no token", func(*client) string { return "" }, nil},
		{"another session's token", func(*client) string { return foreignToken }, nil},
		{"garbage token", func(*client) string { return "x" + randomHex(20) }, nil},
		{"Sec-Fetch-Site: cross-site", func(v *client) string { return v.csrf }, http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"Sec-Fetch-Site: same-site", func(v *client) string { return v.csrf }, http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{"Origin: http://evil.example", func(v *client) string { return v.csrf }, http.Header{"Origin": {"http://evil.example"}}},
		{"Origin: null", func(v *client) string { return v.csrf }, http.Header{"Origin": {"null"}}},
	}
	refused := 0
	for _, rt := range routes {
		for _, at := range attacks {
			victim := newClient(t, a)
			if rt.signedIn {
				victim.login(email, testPassword)
				victim.get("/products/new")
			} else {
				victim.get(rt.path)
			}
			sessionBefore := victim.session()
			users := countRows(t, db, `SELECT count(*) FROM users`)
			products := countRows(t, db, `SELECT count(*) FROM products`)

			form := url.Values{}
			for k, v := range rt.form {
				form[k] = v
			}
			if tok := at.token(victim); tok != "" {
				form.Set("_csrf", tok)
			}
			r := victim.post(rt.path, form, at.hdr)
			what := "POST " + rt.path + " with " + at.name
			if r.Status != http.StatusForbidden {
				t.Errorf("%s: status %d (Location %q), want 403", what, r.Status, r.location())
				continue
			}
			refused++
			assertNoLeak(t, what, r)
			if n := countRows(t, db, `SELECT count(*) FROM users`); n != users {
				t.Errorf("%s: users %d -> %d", what, users, n)
			}
			if n := countRows(t, db, `SELECT count(*) FROM products`); n != products {
				t.Errorf("%s: products %d -> %d", what, products, n)
			}
			if victim.session() != sessionBefore {
				t.Errorf("%s: the session cookie changed", what)
			}
			if rt.signedIn {
				if r := victim.get("/account"); r.Status != http.StatusOK {
					t.Errorf("%s: the victim's session ended (GET /account %d)", what, r.Status)
				}
			} else if r := victim.get("/account"); r.Status != http.StatusSeeOther {
				t.Errorf("%s: the victim got signed in (GET /account %d)", what, r.Status)
			}
		}
	}
	t.Logf("%d of %d forged state-changing requests refused with 403", refused, len(routes)*len(attacks))

	// The controls: the same requests with the right token from the same site work.
	c := newClient(t, a)
	c.login(email, testPassword)
	c.get("/products/new")
	if r := c.post("/products", url.Values{"_csrf": {c.csrf}, "name": {"Real"}, "description": {"x"}, "price": {"1.00"}},
		http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {a.base}}); r.Status != http.StatusSeeOther {
		t.Errorf("same-origin POST /products with the token: %d, want 303", r.Status)
	}
	if r := c.get("/logout"); r.Status != http.StatusMethodNotAllowed {
		t.Errorf("GET /logout: %d, want 405", r.Status)
	}
	if r := c.get("/account"); r.Status != http.StatusOK {
		t.Errorf("GET /logout ended the session (GET /account %d)", r.Status)
	}
}

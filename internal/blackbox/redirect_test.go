package blackbox

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// nextAttacks are ?next= values that must never take a user off the shop (the
// full list is in models/redirect_test.go; these go through the whole flow).
var nextAttacks = []string{
	"//evil.example", "///evil.example", "https://evil.example", "http://evil.example/login", "https:evil.example",
	`/\evil.example`, `\\evil.example`, `/\/evil.example`, "\t//evil.example", " //evil.example", "/\t/evil.example",
	"/%09/evil.example", "/%2F%2Fevil.example", "/%5Cevil.example", "%2F%2Fevil.example",
	"http://127.0.0.1:3000@evil.example/", "//127.0.0.1.evil.example/", "//evil%E3%80%82example",
	"javascript:alert(1)", "java\nscript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
	"/\r\nLocation: https://evil.example", "/%0d%0aLocation:%20https://evil.example",
	"/" + strings.Repeat("a", 3000), // over the 2,048 limit, under the header buffer
}

// poisoned are request headers an attacker controls that a careless app would
// build an absolute redirect from.
var poisoned = http.Header{
	"Host":              {"evil.example"},
	"X-Forwarded-Host":  {"evil.example"},
	"X-Forwarded-Proto": {"https"},
	"Referer":           {"https://evil.example/phish"},
	"Forwarded":         {"host=evil.example;proto=https"},
}

// assertLocal checks a redirect target stays on the origin however a browser
// reads it: a single-slash path without controls or backslashes.
func assertLocal(t *testing.T, what, loc string) {
	t.Helper()
	if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\t\r\n ") {
		t.Errorf("%s: redirected to %q, which leaves the origin", what, loc)
		return
	}
	u, err := url.Parse(loc)
	if err != nil || u.Host != "" || u.Scheme != "" || u.User != nil {
		t.Errorf("%s: redirected to %q (%v)", what, loc, err)
	}
	if strings.Contains(strings.ToLower(loc), "evil") && !strings.Contains(loc, "?") {
		t.Errorf("%s: redirected to %q", what, loc)
	}
}

// The whole login flow never leaves the origin: ?next= attacks, a poisoned Host,
// X-Forwarded-Host or Referer, htmx's HX-Current-URL, and an absolute-form request target.
func TestLoginNeverRedirectsOffSite(t *testing.T) {
	t.Parallel()
	a := startApp(t, sharedBackends(t), map[string]string{"LOGIN_IP_LIMIT": "1000/3m"})
	_, email := newUser(t, a)

	stayed := 0
	for _, attack := range nextAttacks {
		for _, hdr := range []http.Header{nil, poisoned} {
			c := newClient(t, a)
			c.header = hdr.Clone()
			what := "next=" + strings.ReplaceAll(attack[:min(len(attack), 60)], "\n", `\n`)
			if hdr != nil {
				what += " with poisoned headers"
			}
			r := c.request(http.MethodGet, "/login?next="+url.QueryEscape(attack), nil, nil)
			if r.Status != http.StatusOK {
				t.Errorf("%s: GET /login %d", what, r.Status)
				continue
			}
			r = c.postWithToken("/login", url.Values{"email": {email}, "password": {testPassword}})
			if r.Status != http.StatusSeeOther {
				t.Errorf("%s: POST /login %d", what, r.Status)
				continue
			}
			assertLocal(t, what, r.location())
			if r.location() != "/products" {
				t.Errorf("%s: redirected to %q, want the default /products", what, r.location())
				continue
			}
			// Already signed in, the login page redirects at once: same rule.
			r = c.request(http.MethodGet, "/login?next="+url.QueryEscape(attack), nil, nil)
			assertLocal(t, what+" (signed in)", r.location())
			stayed++
		}
	}
	t.Logf("login flow: %d of %d ?next= attacks (with and without poisoned headers) ended on /products", stayed, 2*len(nextAttacks))

	// The page remembered by requireUser comes from the request path, never from headers.
	c := newClient(t, a)
	c.header = poisoned.Clone()
	r := c.get("/account?tab=products")
	if r.Status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("guest GET /account: %d %q, want 303 /login", r.Status, r.location())
	}
	c.get("/login")
	r = c.postWithToken("/login", url.Values{"email": {email}, "password": {testPassword}})
	assertLocal(t, "after-login page with poisoned headers", r.location())
	if !strings.HasPrefix(r.location(), "/account") {
		t.Errorf("after-login page: %q, want /account", r.location())
	}

	// htmx: the page to return to comes from HX-Current-URL, reduced to its path.
	c = newClient(t, a)
	r = c.request(http.MethodGet, "/account", nil, http.Header{"Hx-Request": {"true"}, "Hx-Current-Url": {"https://evil.example//evil.example/phish"}})
	if r.Status != http.StatusNoContent || r.Header.Get("HX-Redirect") != "/login" {
		t.Errorf("htmx guest GET /account: %d HX-Redirect %q, want 204 /login", r.Status, r.Header.Get("HX-Redirect"))
	}
	c.get("/login")
	r = c.postWithToken("/login", url.Values{"email": {email}, "password": {testPassword}})
	assertLocal(t, "after-login page from a poisoned HX-Current-URL", r.location())

	// Absolute-form request target: GET http://evil.example/account HTTP/1.1.
	c = newClient(t, a)
	c.get("/login")
	raw := rawResponse(t, a.addr, "GET http://evil.example/account HTTP/1.1\r\nHost: evil.example\r\n"+
		"Cookie: "+c.cookieHeader()+"\r\nConnection: close\r\n\r\n")
	status, loc := raw.Status, raw.location()
	if status != http.StatusSeeOther {
		t.Errorf("absolute-form GET: status %d, want 303", status)
	}
	assertLocal(t, "absolute-form request target", loc)
	r = c.postWithToken("/login", url.Values{"email": {email}, "password": {testPassword}})
	assertLocal(t, "after-login page stored from an absolute-form request target", r.location())
	t.Logf("absolute-form request target: redirected to %q, then after login to %q", loc, r.location())
}

// The after-login page is judged when it is remembered and again when it is
// used: no attack value reaches the guest form cookie, and a value that got there
// some other way (the cookie is the client's to edit) is still refused at login.
func TestAfterLoginPageJudgedOnStoreAndUse(t *testing.T) {
	t.Parallel()
	a := startApp(t, sharedBackends(t), map[string]string{"LOGIN_IP_LIMIT": "1000/3m"})
	_, email := newUser(t, a)

	for _, attack := range append(nextAttacks, notPages...) {
		c := newClient(t, a)
		c.get("/login?next=" + url.QueryEscape(attack))
		if next := guestNext(t, c); next != "" {
			t.Errorf("next=%.40q: remembered %q", attack, next)
		}
	}

	for _, planted := range append([]string{"//evil.example", "https://evil.example/", `/\evil.example`, "/%09/evil.example", "javascript:alert(1)"}, notPages...) {
		c := newClient(t, a)
		c.get("/login")
		token, _, _ := strings.Cut(c.cookies[guestCookie], ".")
		c.cookies[guestCookie] = token + "." + base64.RawURLEncoding.EncodeToString([]byte(planted))
		r := c.postWithToken("/login", url.Values{"email": {email}, "password": {testPassword}})
		if r.Status != http.StatusSeeOther || r.location() != "/products" {
			t.Errorf("planted after-login page %q: %d %q, want 303 /products", planted, r.Status, r.location())
		}
	}
}

// notPages are local paths that no GET route serves: issue 8, item 19 (the
// after-login page must be a page of the app, not /logout).
var notPages = []string{"/logout", "/logout?x=1", "/logout/everywhere", "/no-such-page", "/products/1/publish", "/account/x",
	"/Account", "/account/"} // the router is case-sensitive and strict about trailing slashes

// Issue 8, item 19: only paths the router serves for GET become the after-login
// page, whether they come from ?next= or from a protected page; real pages do,
// query and all.
func TestAfterLoginPageIsAGetPage(t *testing.T) {
	t.Parallel()
	a := startApp(t, sharedBackends(t), map[string]string{"LOGIN_IP_LIMIT": "1000/3m"})
	_, email := newUser(t, a)
	login := func(c *client) string {
		t.Helper()
		r := c.postWithToken("/login", url.Values{"email": {email}, "password": {testPassword}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("POST /login: %d", r.Status)
		}
		return r.location()
	}
	for _, next := range notPages {
		c := newClient(t, a)
		c.get("/login?next=" + url.QueryEscape(next))
		if got := login(c); got != "/products" {
			t.Errorf("?next=%s: after login %q, want /products", next, got)
		}
		// Signed in, the login page applies the same rule.
		if r := c.get("/login?next=" + url.QueryEscape(next)); r.location() != "/products" {
			t.Errorf("signed in, /login?next=%s: %q, want /products", next, r.location())
		}
	}
	for next, want := range map[string]string{
		"/account?tab=products": "/account?tab=products", "/products/5": "/products/5", "/products?page=2": "/products?page=2",
		"/": "/", "/products/new": "/products/new",
	} {
		c := newClient(t, a)
		c.get("/login?next=" + url.QueryEscape(next))
		if got := login(c); got != want {
			t.Errorf("?next=%s: after login %q, want %q", next, got, want)
		}
	}
	// A protected page is remembered too (through the guest form cookie).
	c := newClient(t, a)
	if r := c.get("/products/new?draft=1"); r.Status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("guest GET /products/new: %d %q", r.Status, r.location())
	}
	c.get("/login")
	if got := login(c); got != "/products/new?draft=1" {
		t.Errorf("after login from a protected page: %q", got)
	}
}

// guestNext is the after-login page a client's guest form cookie holds.
func guestNext(t *testing.T, c *client) string {
	t.Helper()
	_, enc, _ := strings.Cut(c.cookies[guestCookie], ".")
	raw, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		t.Fatalf("guest cookie %q: %v", c.cookies[guestCookie], err)
	}
	return string(raw)
}

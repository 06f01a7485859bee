package blackbox

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Guests cost no Redis key: not while browsing the catalogue (and no cookie
// either), and not on the log-in and sign-up forms or a protected page, whose
// form token lives in a cookie of the guest's own (issue 8, item 5).
func TestAnonymousBrowsingWritesNoSession(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, map[string]string{"SEED_DEMO": "true"})
	rdb := openRedis(t, b.RedisURL)
	before := redisKeys(t, rdb, b.RedisPrefix)

	c := newClient(t, a)
	for _, path := range []string{"/", "/products", "/products?page=2", "/products/1", "/products/999999", "/products/x", "/nope", "/healthz", "/readyz"} {
		r := c.get(path)
		if r.Status >= 500 {
			t.Errorf("GET %s: %d", path, r.Status)
		}
		if sc := r.Header.Values("Set-Cookie"); len(sc) > 0 {
			t.Errorf("GET %s set cookies %q for a guest", path, sc)
		}
	}
	for _, path := range []string{"/login", "/signup", "/account", "/products/new", "/login?next=%2Faccount"} {
		r := newClient(t, a).get(path)
		if r.Status >= 400 {
			t.Errorf("GET %s: %d", path, r.Status)
		}
		if strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), "\n"), sessionCookie) {
			t.Errorf("GET %s gave a guest a session cookie", path)
		}
	}
	if after := redisKeys(t, rdb, b.RedisPrefix); len(after) != len(before) {
		t.Errorf("guests wrote Redis keys: before %v, after %v", before, after)
	}
	// The control: signing in does store a session (and its user's index), so counting works.
	newUser(t, a)
	if after := redisKeys(t, rdb, b.RedisPrefix+"session:"); len(after) != 1 {
		t.Errorf("sign-up: session keys %v, want one", after)
	}
}

// Session ids are 256 random bits, unique, and the cookie is locked down.
func TestSessionIDsAndCookie(t *testing.T) {
	t.Parallel()
	a := startApp(t, sharedBackends(t), nil)
	_, email := newUser(t, a)
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		c := newClient(t, a)
		c.get("/login")
		r := c.postWithToken("/login", url.Values{"email": {email}, "password": {testPassword}})
		id := c.session()
		raw, err := base64.RawURLEncoding.DecodeString(id)
		if err != nil || len(raw)*8 < 128 {
			t.Fatalf("session id %q: %d bits (%v), want >= 128", id, len(raw)*8, err)
		}
		if seen[id] {
			t.Fatalf("session id %q issued twice", id)
		}
		seen[id] = true
		if i == 0 {
			sc := strings.ToLower(strings.Join(r.Header.Values("Set-Cookie"), "\n"))
			for _, attr := range []string{"__host-sid=", "httponly", "secure", "samesite=lax", "path=/"} {
				if !strings.Contains(sc, attr) {
					t.Errorf("session cookie lacks %q: %s", attr, sc)
				}
			}
			if strings.Contains(sc, "domain=") {
				t.Errorf("session cookie has a Domain: %s", sc)
			}
			t.Logf("session id: %d random bits (%d base64url characters)", len(raw)*8, len(id))
		}
	}
}

// A session id the client made up is never adopted (session fixation).
func TestClientMadeSessionIDNotAdopted(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, nil)
	rdb := openRedis(t, b.RedisURL)
	_, email := newUser(t, a)

	forged := base64.RawURLEncoding.EncodeToString([]byte(randomHex(16))) // 32 bytes: the real id's shape
	for _, id := range []string{forged, "x", "../../etc", strings.Repeat("A", 43)} {
		c := newClient(t, a)
		c.cookies[sessionCookie] = id
		if r := c.get("/account"); r.Status != http.StatusSeeOther || r.location() != "/login" {
			t.Errorf("GET /account with made-up id %.20q: %d %q, want 303 /login", id, r.Status, r.location())
		}
		c.cookies[sessionCookie] = id
		c.get("/login")
		if got := c.session(); got != "" {
			t.Errorf("made-up id %.20q: the login page kept a session cookie %.20q", id, got)
		}
		if redisExists(t, rdb, b.RedisPrefix+"session:"+id) {
			t.Errorf("made-up id %.20q was stored in Redis", id)
		}
		// Logging in from there ends on a new id.
		c.cookies[sessionCookie] = id
		c.login(email, testPassword)
		if c.session() == id || c.session() == "" {
			t.Errorf("made-up id %.20q adopted at login (cookie now %.20q)", id, c.session())
		}
	}
}

// Login issues a new id and token and kills the id it replaces; logout kills the
// session on the server, so a replayed cookie is worthless (WSTG-SESS-03,
// WSTG-SESS-06).
func TestOldSessionIDsDieAtLoginAndLogout(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, nil)
	rdb := openRedis(t, b.RedisURL)
	_, email := newUser(t, a)

	c := newClient(t, a)
	c.get("/login")
	guestToken := c.csrf
	if guestToken == "" || c.cookies[guestCookie] == "" {
		t.Fatalf("login page gave no form token (%q) or guest cookie", guestToken)
	}
	c.login(email, testPassword)
	if r := c.get("/account"); r.Status != http.StatusOK {
		t.Fatalf("GET /account after login: %d", r.Status)
	}
	firstID, firstToken := c.session(), c.csrf
	if firstToken == guestToken {
		t.Errorf("the guest form token became the session's CSRF token")
	}
	// Logging in again over a live session (from a login form still open) replaces it.
	if r := c.post("/login", url.Values{"_csrf": {guestToken}, "email": {email}, "password": {testPassword}}, nil); r.Status != http.StatusSeeOther {
		t.Fatalf("second login: %d", r.Status)
	}
	if r := c.get("/account"); r.Status != http.StatusOK {
		t.Fatalf("GET /account after the second login: %d", r.Status)
	}
	userID, userToken := c.session(), c.csrf
	if userID == firstID {
		t.Fatalf("session id not rotated at login")
	}
	if userToken == firstToken {
		t.Errorf("CSRF token not rotated at login")
	}
	if redisExists(t, rdb, b.RedisPrefix+"session:"+firstID) {
		t.Errorf("the replaced session is still in Redis after login")
	}
	old := newClient(t, a)
	old.cookies[sessionCookie] = firstID
	if r := old.get("/account"); r.Status != http.StatusSeeOther || r.location() != "/login" {
		t.Errorf("replayed replaced id: GET /account %d %q, want 303 /login", r.Status, r.location())
	}

	if r := c.postWithToken("/logout", nil); r.Status != http.StatusSeeOther || r.location() != "/" {
		t.Fatalf("POST /logout: %d %q, want 303 /", r.Status, r.location())
	}
	if c.session() != "" {
		t.Errorf("logout did not expire the cookie")
	}
	if redisExists(t, rdb, b.RedisPrefix+"session:"+userID) {
		t.Errorf("session still in Redis after logout")
	}
	replay := newClient(t, a)
	replay.cookies[sessionCookie] = userID
	if r := replay.get("/account"); r.Status != http.StatusSeeOther || r.location() != "/login" {
		t.Errorf("replayed logged-out id: GET /account %d %q, want 303 /login", r.Status, r.location())
	}
	replay.cookies[sessionCookie] = userID
	form := url.Values{"_csrf": {userToken}, "name": {"Replayed"}, "description": {"x"}, "price": {"1.00"}}
	if r := replay.post("/products", form, nil); r.Status != http.StatusSeeOther && r.Status != http.StatusForbidden {
		t.Errorf("replayed logged-out id: POST /products %d, want a refusal", r.Status)
	}
	if n := countRows(t, openSQL(t, b.DatabaseURL), `SELECT count(*) FROM products`); n != 0 {
		t.Errorf("replayed logged-out session created %d products", n)
	}
}

// Idle timeout and absolute lifetime, with short values from the environment.
func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	const idle, absolute = 3 * time.Second, 8 * time.Second
	b := sharedBackends(t)
	// A generous request deadline: on a loaded machine a slow request must
	// not turn into a 503 here, which is not what this test is about.
	a := startApp(t, b, map[string]string{"SESSION_IDLE_TIMEOUT": idle.String(), "SESSION_MAX_LIFETIME": absolute.String(),
		"REQUEST_TIMEOUT": "10s"})
	rdb := openRedis(t, b.RedisURL)
	_, email := newUser(t, a)

	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, a)
		c.login(email, testPassword)
		start := time.Now()
		key := b.RedisPrefix + "session:" + c.session()
		// Watch the key without touching the session; it must vanish by itself.
		for redisExists(t, rdb, key) {
			if time.Since(start) > idle+5*time.Second {
				t.Fatalf("idle session still stored %v after login (idle timeout %v)", time.Since(start), idle)
			}
			time.Sleep(100 * time.Millisecond)
		}
		gone := time.Since(start)
		if r := c.get("/account"); r.Status != http.StatusSeeOther || r.location() != "/login" {
			t.Fatalf("GET /account after idle expiry: %d %q, want 303 /login", r.Status, r.location())
		}
		if gone < idle/2 {
			t.Errorf("session gone after %v, before the idle timeout %v", gone, idle)
		}
		t.Logf("idle session (timeout %v) ended after %v", idle, gone.Round(10*time.Millisecond))
	})
	t.Run("absolute", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, a)
		c.login(email, testPassword)
		start := time.Now()
		// Stay busy: activity keeps renewing the idle timeout, never the absolute one.
		var alive time.Duration
		for {
			r := c.get("/account")
			if r.Status == http.StatusOK {
				alive = time.Since(start)
			} else {
				if r.Status != http.StatusSeeOther || r.location() != "/login" {
					t.Fatalf("GET /account: %d %q, want 200 or 303 /login", r.Status, r.location())
				}
				break
			}
			if time.Since(start) > absolute+5*time.Second {
				t.Fatalf("busy session still valid %v after login (max lifetime %v)", time.Since(start), absolute)
			}
			time.Sleep(200 * time.Millisecond)
		}
		if alive < idle+500*time.Millisecond {
			t.Errorf("busy session ended after %v; activity should have carried it past the idle timeout %v", alive, idle)
		}
		t.Logf("busy session (max lifetime %v) ended after %v", absolute, time.Since(start).Round(10*time.Millisecond))
	})
}

package blackbox

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// Brute-force limits on POST /login (per client IP and per account) and on
// POST /signup, counted in Redis so that two app processes share them, and keyed
// on the TCP peer unless the peer is a configured trusted proxy. Each subtest
// plays its own client addresses (all of 127.0.0.0/8 is loopback).
func TestBruteForceThrottling(t *testing.T) {
	t.Parallel()
	const ipLimit, accountLimit, signupLimit = 10, 5, 3
	const proxy = "127.0.0.5"
	b := sharedBackends(t)
	env := map[string]string{
		"LOGIN_IP_LIMIT":      strconv.Itoa(ipLimit) + "/3m",
		"LOGIN_ACCOUNT_LIMIT": strconv.Itoa(accountLimit) + "/1m",
		"SIGNUP_IP_LIMIT":     strconv.Itoa(signupLimit) + "/10m",
		"TRUSTED_PROXIES":     proxy,
	}
	// Two instances on one Redis, as behind a load balancer.
	apps := []*app{startApp(t, b, env), startApp(t, b, env)}
	_, email := newUser(t, apps[0])

	// failures sends n failed logins (unknown accounts unless to is given) and
	// fails the test unless each is refused as bad credentials (422).
	failures := func(t *testing.T, c *client, n int, to string, hdr func(i int) http.Header) {
		t.Helper()
		c.get("/login")
		for i := 0; i < n; i++ {
			who := to
			if who == "" {
				who = "nobody" + randomHex(4) + "@example.com"
			}
			var h http.Header
			if hdr != nil {
				h = hdr(i)
			}
			r := c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {who}, "password": {"wrong password 123"}}, h)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("failed login %d: status %d, want 422", i+1, r.Status)
			}
		}
	}
	assertThrottled := func(t *testing.T, what string, r *response) {
		t.Helper()
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("%s: status %d, want 429", what, r.Status)
		}
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
			t.Errorf("%s: Retry-After %q, want whole seconds >= 1", what, r.Header.Get("Retry-After"))
		}
		if !strings.Contains(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(r.Body, "Too many attempts") {
			t.Errorf("%s: want a readable HTML page, got %q:\n%.300s", what, r.Header.Get("Content-Type"), r.Body)
		}
		assertNoLeak(t, what, r)
	}

	t.Run("per IP, shared by two instances", func(t *testing.T) {
		t.Parallel()
		ca, cb := newClientFrom(t, apps[0].base, "127.0.0.2"), newClientFrom(t, apps[1].base, "127.0.0.2")
		ca.get("/login")
		cb.get("/login")
		for i := 0; i < ipLimit; i++ {
			c := []*client{ca, cb}[i%2] // alternate: each instance sees only half
			failures(t, c, 1, "", nil)
		}
		for i, c := range []*client{ca, cb} {
			r := c.postWithToken("/login", url.Values{"email": {email}, "password": {testPassword}})
			assertThrottled(t, "instance "+strconv.Itoa(i+1)+": correct password after "+strconv.Itoa(ipLimit)+" failures from the IP", r)
		}
		// Another client address is not affected.
		other := newClientFrom(t, apps[1].base, "127.0.0.3")
		if r := other.loginAttempt(email, testPassword); r.Status != http.StatusSeeOther {
			t.Errorf("login from another IP: %d, want 303", r.Status)
		}
		t.Logf("per-IP limit: %d failures split over 2 instances, then 429 on both", ipLimit)
	})

	t.Run("forwarded headers from an untrusted client do not bypass", func(t *testing.T) {
		t.Parallel()
		c := newClientFrom(t, apps[0].base, "127.0.0.4")
		spoof := func(i int) http.Header {
			ip := "198.51.100." + strconv.Itoa(i+1)
			return http.Header{"X-Forwarded-For": {ip}, "X-Real-Ip": {ip}, "Forwarded": {"for=" + ip}}
		}
		failures(t, c, ipLimit, "", spoof)
		r := c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {email}, "password": {testPassword}}, spoof(99))
		assertThrottled(t, "spoofed X-Forwarded-For/X-Real-IP after the limit", r)
	})

	t.Run("trusted proxy's client address is honoured", func(t *testing.T) {
		t.Parallel()
		c := newClientFrom(t, apps[0].base, proxy)
		client1 := func(int) http.Header { return http.Header{"X-Real-Ip": {"203.0.113.7"}} }
		failures(t, c, ipLimit, "", client1)
		r := c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {"x" + email}, "password": {"wrong password 123"}}, client1(0))
		assertThrottled(t, "client behind the trusted proxy after the limit", r)
		// A different client behind the same proxy has its own count.
		r = c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {email}, "password": {testPassword}},
			http.Header{"X-Real-Ip": {"203.0.113.8"}})
		if r.Status != http.StatusSeeOther {
			t.Errorf("another client behind the trusted proxy: %d, want 303", r.Status)
		}
	})

	t.Run("per account, from many IPs", func(t *testing.T) {
		t.Parallel()
		_, victim := newUser(t, apps[1])
		for i := 0; i < accountLimit; i++ {
			failures(t, newClientFrom(t, apps[i%2].base, "127.0.0."+strconv.Itoa(20+i)), 1, victim, nil)
		}
		r := newClientFrom(t, apps[0].base, "127.0.0.40").loginAttempt(victim, testPassword)
		assertThrottled(t, "correct password from a fresh IP after "+strconv.Itoa(accountLimit)+" failures on the account", r)
		t.Logf("per-account limit: %d failures from %d IPs, then 429 even with the right password", accountLimit, accountLimit)
	})

	t.Run("per account counts consecutive failures", func(t *testing.T) {
		t.Parallel()
		_, user := newUser(t, apps[0])
		c := newClientFrom(t, apps[0].base, "127.0.0.41")
		failures(t, c, accountLimit-1, user, nil)
		c.login(user, testPassword) // success clears the account's count
		c2 := newClientFrom(t, apps[1].base, "127.0.0.42")
		failures(t, c2, accountLimit-1, user, nil)
		if r := c2.loginAttempt(user, testPassword); r.Status != http.StatusSeeOther {
			t.Errorf("login after %d+%d failures with a success between: %d, want 303", accountLimit-1, accountLimit-1, r.Status)
		}
	})

	t.Run("sign-up per IP", func(t *testing.T) {
		t.Parallel()
		c := newClientFrom(t, apps[0].base, "127.0.0.6")
		c.get("/signup")
		for i := 0; i < signupLimit; i++ {
			// Invalid attempts count too: they cost a request each all the same.
			r := c.post("/signup", url.Values{"_csrf": {c.csrf}, "email": {"not-an-email"}, "password": {"x"}}, nil)
			if r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("sign-up %d: %d, want 422", i+1, r.Status)
			}
		}
		r := c.post("/signup", url.Values{"_csrf": {c.csrf}, "email": {"new" + randomHex(4) + "@example.com"}, "password": {testPassword}},
			http.Header{"X-Forwarded-For": {"198.51.100.77"}, "X-Real-Ip": {"198.51.100.77"}})
		assertThrottled(t, "sign-up over the limit", r)
		if !strings.Contains(r.Body, `id="signup-form"`) {
			t.Error("sign-up over the limit: want the form again (htmx swaps it into place)")
		}
		other := newClientFrom(t, apps[1].base, "127.0.0.7")
		other.signup("new"+randomHex(4)+"@example.com", testPassword)
	})
}

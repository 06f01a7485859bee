package blackbox

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The login throttle as an attacker meets it (issue 8, items 1-4 and the
// security log of item 15): parallel guesses, locking a chosen seller out,
// oversized input, and proxy headers that are empty or garbage.

// trustedProxy is the address black-box clients connect from when they play
// many client addresses: the app trusts its X-Real-IP header.
const trustedProxy = "127.0.0.1"

// behindProxy returns a client of a that reaches it through the trusted proxy
// as client address ip, with the login page (and its token) loaded.
func behindProxy(t *testing.T, a *app, ip string) *client {
	t.Helper()
	c := newClientFrom(t, a.base, trustedProxy)
	c.header.Set("X-Real-Ip", ip)
	if r := c.get("/login"); r.Status != http.StatusOK {
		t.Fatalf("GET /login as %s: %d", ip, r.Status)
	}
	return c
}

// postLoginsAtOnce sends clients[i] a login for emails(i) with password, all
// released at the same moment, and returns the responses in order.
func postLoginsAtOnce(t *testing.T, clients []*client, email func(i int) string, password string) []*response {
	t.Helper()
	out := make([]*response, len(clients))
	errs := make([]error, len(clients))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range clients {
		body := url.Values{"_csrf": {c.csrf}, "email": {email(i)}, "password": {password}}.Encode()
		wg.Go(func() {
			<-start
			out[i], errs[i] = c.try(http.MethodPost, "/login", strings.NewReader(body),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	return out
}

// statuses counts responses by status code.
func statuses(rs []*response) map[int]int {
	n := map[int]int{}
	for _, r := range rs {
		n[r.Status]++
	}
	return n
}

// securityEvents returns the security events logged for the responses'
// requests. Each request's access-log line is written after its security events,
// so once those have arrived (the log is read asynchronously), all events have.
func securityEvents(t *testing.T, a *app, rs ...*response) []map[string]any {
	t.Helper()
	var events []map[string]any
	for _, r := range rs {
		rid := r.Header.Get("X-Request-Id")
		if rid == "" {
			t.Fatalf("response %d without X-Request-Id", r.Status)
		}
		deadline := time.Now().Add(5 * time.Second)
		for len(a.logs.records(map[string]any{"msg": "request", "rid": rid})) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("no access-log line for request %s", rid)
			}
			time.Sleep(10 * time.Millisecond)
		}
		events = append(events, a.logs.records(map[string]any{"msg": "security event", "rid": rid})...)
	}
	return events
}

// countEvents counts the events whose fields match all of want.
func countEvents(events []map[string]any, want map[string]any) int {
	n := 0
	for _, e := range events {
		ok := true
		for k, v := range want {
			if e[k] != v {
				ok = false
			}
		}
		if ok {
			n++
		}
	}
	return n
}

// assertLoginThrottledPage checks a 429 to a login: the form again with only
// the throttle message, saying when to try again.
func assertLoginThrottledPage(t *testing.T, what string, r *response) {
	t.Helper()
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("%s: status %d, want 429\n%.500s", what, r.Status, r.Body)
	}
	if !strings.Contains(r.Body, `id="login-form"`) || !strings.Contains(r.Body, "Too many attempts. Try again in ") ||
		strings.Contains(r.Body, "Invalid email or password") {
		t.Errorf("%s: want the login form with only the throttle message:\n%s", what, r.Body)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("%s: Retry-After %q", what, r.Header.Get("Retry-After"))
	}
}

// Item 1: the attempt is counted before the password hash, atomically for the
// IP and the account, so 30 parallel guesses get exactly the limit's worth of
// password checks. Item 15: each check and refusal is in the security log.
func TestParallelLoginsStayWithinTheLimits(t *testing.T) {
	t.Parallel()
	const limit, parallel = 5, 30
	a := startApp(t, sharedBackends(t), map[string]string{
		"LOGIN_ACCOUNT_LIMIT": strconv.Itoa(limit) + "/3m",
		"LOGIN_IP_LIMIT":      strconv.Itoa(limit) + "/3m",
		"TRUSTED_PROXIES":     trustedProxy,
		"REQUEST_TIMEOUT":     "20s", // a loaded machine queues the hashes; shedding is not under test
	})
	_, victim := newUser(t, a)

	t.Run("one account from 30 addresses", func(t *testing.T) {
		clients := make([]*client, parallel)
		for i := range clients {
			clients[i] = behindProxy(t, a, "198.51.100."+strconv.Itoa(i+1))
		}
		rs := postLoginsAtOnce(t, clients, func(int) string { return victim }, "wrong password 123")
		got := statuses(rs)
		if got[http.StatusUnprocessableEntity] != limit || got[http.StatusTooManyRequests] != parallel-limit {
			t.Fatalf("%d parallel wrong passwords, account limit %d: statuses %v, want %d x 422 and %d x 429",
				parallel, limit, got, limit, parallel-limit)
		}
		events := securityEvents(t, a, rs...)
		hashed := countEvents(events, map[string]any{"event": "login.failure", "reason": "wrong_password"})
		refused := countEvents(events, map[string]any{"event": "throttle.hit", "action": "login", "limit": "account"})
		if hashed != limit || refused != parallel-limit {
			t.Errorf("security log: %d wrong_password failures and %d account throttle hits, want %d and %d",
				hashed, refused, limit, parallel-limit)
		}
		for _, r := range rs {
			if r.Status == http.StatusTooManyRequests {
				assertLoginThrottledPage(t, "parallel guess over the account limit", r)
				break
			}
		}
		t.Logf("%d parallel bad logins for one account with limit %d: %d hashed, %d refused",
			parallel, limit, hashed, got[http.StatusTooManyRequests])
	})

	t.Run("30 accounts from one address", func(t *testing.T) {
		clients := make([]*client, parallel)
		for i := range clients {
			clients[i] = behindProxy(t, a, "203.0.113.99")
		}
		rs := postLoginsAtOnce(t, clients, func(i int) string { return "nobody" + strconv.Itoa(i) + "@example.com" }, "wrong password 123")
		got := statuses(rs)
		if got[http.StatusUnprocessableEntity] != limit || got[http.StatusTooManyRequests] != parallel-limit {
			t.Fatalf("%d parallel logins from one IP, IP limit %d: statuses %v", parallel, limit, got)
		}
		events := securityEvents(t, a, rs...)
		if n := countEvents(events, map[string]any{"event": "login.failure", "reason": "unknown_email", "ip": "203.0.113.99"}); n != limit {
			t.Errorf("security log: %d unknown_email failures from 203.0.113.99, want %d", n, limit)
		}
		if n := countEvents(events, map[string]any{"event": "throttle.hit", "limit": "ip"}); n != parallel-limit {
			t.Errorf("security log: %d IP throttle hits, want %d", n, parallel-limit)
		}
		t.Logf("%d parallel bad logins from one IP with limit %d: %d hashed, %d refused",
			parallel, limit, got[http.StatusUnprocessableEntity], got[http.StatusTooManyRequests])
	})

	t.Run("success is logged", func(t *testing.T) {
		_, seller := newUser(t, a)
		c := behindProxy(t, a, "192.0.2.44")
		r := c.postWithToken("/login", url.Values{"email": {seller}, "password": {testPassword}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("login: %d", r.Status)
		}
		events := securityEvents(t, a, r)
		if len(events) != 1 || events[0]["event"] != "login.success" || events[0]["ip"] != "192.0.2.44" || events[0]["user_id"] == nil {
			t.Errorf("security log of a login: %v, want one login.success with the client IP and user id", events)
		}
	})

	for _, line := range a.logs.all() {
		if strings.Contains(line, "wrong password 123") || strings.Contains(line, testPassword) {
			t.Fatalf("a password reached the log: %s", line)
		}
	}
}

// Item 2 (OWASP device cookies): whoever fails logins for a seller's email locks
// out browsers the account does not know, not the seller's own browser, which
// answers for its own failures only.
func TestKnownDeviceSurvivesAccountLock(t *testing.T) {
	t.Parallel()
	const accountLimit, deviceLimit = 5, 3
	a := startApp(t, sharedBackends(t), map[string]string{
		"LOGIN_ACCOUNT_LIMIT": strconv.Itoa(accountLimit) + "/15m",
		"LOGIN_DEVICE_LIMIT":  strconv.Itoa(deviceLimit) + "/15m",
		"TRUSTED_PROXIES":     trustedProxy,
	})
	_, owner := newUser(t, a)
	_, other := newUser(t, a)

	// The owner logs in on their laptop, which keeps the device cookie after the
	// browser session (and its session cookie) ends.
	laptop := behindProxy(t, a, "203.0.113.10")
	r := laptop.postWithToken("/login", url.Values{"email": {owner}, "password": {testPassword}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("owner's first login: %d", r.Status)
	}
	assertDeviceCookie(t, r)
	if laptop.cookies["__Host-device"] == "" {
		t.Fatal("no device cookie kept")
	}
	closeBrowser := func(c *client) {
		delete(c.cookies, sessionCookie)
		if r := c.get("/login"); r.Status != http.StatusOK {
			t.Fatalf("GET /login: %d", r.Status)
		}
	}
	closeBrowser(laptop)

	lockOut := func() {
		t.Helper()
		got := map[int]int{}
		for i := 0; i < 20; i++ {
			c := behindProxy(t, a, "198.51.100."+strconv.Itoa(i+1))
			got[c.postWithToken("/login", url.Values{"email": {owner}, "password": {"guess " + strconv.Itoa(i)}}).Status]++
		}
		if got[http.StatusUnprocessableEntity] != accountLimit || got[http.StatusTooManyRequests] != 20-accountLimit {
			t.Fatalf("20 attacker guesses: statuses %v, want %d x 422 then 429", got, accountLimit)
		}
	}
	lockOut()

	fresh := behindProxy(t, a, "203.0.113.11")
	r = fresh.postWithToken("/login", url.Values{"email": {owner}, "password": {testPassword}})
	assertLoginThrottledPage(t, "right password from a fresh browser after 20 attacker failures", r)
	if n := countEvents(securityEvents(t, a, r), map[string]any{"event": "throttle.hit", "limit": "account", "known_device": false}); n != 1 {
		t.Errorf("fresh browser's refusal: %d account throttle hits logged, want 1", n)
	}

	// Neither another account's device cookie nor a forged one is the owner's device.
	otherLaptop := behindProxy(t, a, "203.0.113.12")
	otherLaptop.login(other, testPassword)
	closeBrowser(otherLaptop)
	r = otherLaptop.postWithToken("/login", url.Values{"email": {owner}, "password": {testPassword}})
	assertLoginThrottledPage(t, "owner's password on a browser that knows only another account", r)
	forged := behindProxy(t, a, "203.0.113.13")
	forged.cookies["__Host-device"] = strings.Repeat("A", 43)
	r = forged.postWithToken("/login", url.Values{"email": {owner}, "password": {testPassword}})
	assertLoginThrottledPage(t, "a forged device cookie", r)

	r = laptop.postWithToken("/login", url.Values{"email": {owner}, "password": {testPassword}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("owner's own browser after 20 attacker failures: %d, want 303\n%.500s", r.Status, r.Body)
	}
	events := securityEvents(t, a, r)
	if n := countEvents(events, map[string]any{"event": "login.success", "known_device": true}); n != 1 {
		t.Errorf("owner's login: %d login.success events with known_device, want 1: %v", n, events)
	}
	t.Logf("20 attacker failures on the account: the owner's browser logs in, fresh browsers get 429")

	// The known device has its own, smaller limit: then it loses its exemption.
	closeBrowser(laptop)
	lockOut()
	for i := 0; i < deviceLimit; i++ {
		if r := laptop.postWithToken("/login", url.Values{"email": {owner}, "password": {"typo " + strconv.Itoa(i)}}); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("known device's failure %d: %d, want 422", i+1, r.Status)
		}
	}
	r = laptop.postWithToken("/login", url.Values{"email": {owner}, "password": {testPassword}})
	assertLoginThrottledPage(t, "known device after its own limit", r)
	if n := countEvents(securityEvents(t, a, r), map[string]any{"event": "throttle.hit", "limit": "device", "known_device": true}); n != 1 {
		t.Errorf("known device's refusal: %d device throttle hits logged, want 1", n)
	}
}

// assertDeviceCookie checks the device cookie's attributes: a long-lived,
// HttpOnly, Secure, host-only cookie.
func assertDeviceCookie(t *testing.T, r *response) {
	t.Helper()
	for _, raw := range r.Header.Values("Set-Cookie") {
		if !strings.HasPrefix(raw, "__Host-device=") {
			continue
		}
		lower := strings.ToLower(raw)
		for _, attr := range []string{"; httponly", "; secure", "; path=/", "; samesite=strict", "; max-age=31536000"} {
			if !strings.Contains(lower, attr) {
				t.Errorf("device cookie %q lacks %q", raw, attr)
			}
		}
		if strings.Contains(lower, "domain=") {
			t.Errorf("device cookie %q names a domain", raw)
		}
		return
	}
	t.Errorf("login set no __Host-device cookie: %q", r.Header.Values("Set-Cookie"))
}

// Item 3: no input reaches a Redis key as it is, and the login form refuses an
// email longer than any account's with the words of a wrong password.
func TestLoginInputStaysOutOfRedisKeys(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, nil)
	rdb := openRedis(t, b.RedisURL)

	c := newClient(t, a)
	c.get("/login")
	huge := strings.Repeat("a", 1<<20-500) + "@example.com" // just under the body limit
	r := c.postWithToken("/login", url.Values{"email": {huge}, "password": {"wrong password 123"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Invalid email or password.") {
		t.Fatalf("1 MiB email: %d, want 422 with the generic message\n%.300s", r.Status, r.Body)
	}
	long := strings.Repeat("b", 243) + "@example.com" // 255 bytes: one too many
	r = c.postWithToken("/login", url.Values{"email": {long}, "password": {"wrong password 123"}})
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Invalid email or password.") {
		t.Fatalf("255-byte email: %d, want 422 with the generic message", r.Status)
	}
	longest := long[1:] // 254 bytes: a failed login that is counted
	if r := c.postWithToken("/login", url.Values{"email": {longest}, "password": {"wrong password 123"}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("254-byte email: %d, want 422", r.Status)
	}
	if r := c.get("/signup"); r.Status != http.StatusOK {
		t.Fatal(r.Status)
	}
	if r := c.postWithToken("/signup", url.Values{"email": {long}, "password": {testPassword}}); r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("sign-up with a 255-byte email: %d, want 422", r.Status)
	}

	keys := redisKeys(t, rdb, b.RedisPrefix+"throttle:")
	if len(keys) < 2 {
		t.Fatalf("throttle keys %q: want the login's IP and account counters", keys)
	}
	for _, k := range keys {
		if len(k) > len(b.RedisPrefix)+64 || strings.Contains(k, "@") || strings.Contains(k, "bbbb") || strings.Contains(k, "127.0.0.1") {
			t.Errorf("throttle key %.120q holds user input", k)
		}
	}
	t.Logf("throttle keys after a 1 MiB and a 254-byte email: %d keys, longest %d bytes", len(keys), longestLen(keys))
}

func longestLen(keys []string) int {
	n := 0
	for _, k := range keys {
		n = max(n, len(k))
	}
	return n
}

// Item 4: a trusted proxy's header counts only when it holds a valid address.
// Empty or garbage values count against the proxy itself, never against one
// shared "" bucket or a new bucket per request; a list is read from the right.
func TestClientIPFromProxyHeaders(t *testing.T) {
	t.Parallel()
	const limit = 3
	b := sharedBackends(t)
	env := map[string]string{
		"LOGIN_IP_LIMIT":      strconv.Itoa(limit) + "/3m",
		"LOGIN_ACCOUNT_LIMIT": "1000/3m",
		"TRUSTED_PROXIES":     "127.0.0.5, 127.0.0.8, 127.0.0.9",
	}
	realIP := startApp(t, b, env)
	env["PROXY_HEADER"] = "x-forwarded-for"
	forwardedFor := startApp(t, b, env)

	// fail sends a wrong password through proxy with hdr and returns the response.
	fail := func(a *app, proxy string, hdr http.Header) *response {
		t.Helper()
		c := newClientFrom(t, a.base, proxy)
		c.get("/login")
		return c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {"nobody" + randomHex(4) + "@example.com"},
			"password": {"wrong password 123"}}, hdr)
	}
	expectLimitAfter := func(what string, send func(i int) *response) {
		t.Helper()
		for i := 0; i < limit; i++ {
			if r := send(i); r.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%s: failure %d: %d, want 422", what, i+1, r.Status)
			}
		}
		r := send(limit)
		if r.Status != http.StatusTooManyRequests {
			t.Fatalf("%s: attempt %d: %d, want 429 (the client IP was not one bucket)", what, limit+1, r.Status)
		}
	}

	t.Run("garbage X-Real-IP counts against the proxy", func(t *testing.T) {
		var first *response
		expectLimitAfter("a new garbage X-Real-IP per request", func(i int) *response {
			r := fail(realIP, "127.0.0.5", http.Header{"X-Real-Ip": {"garbage-" + strconv.Itoa(i) + "-" + randomHex(4)}})
			if first == nil {
				first = r
			}
			return r
		})
		if n := countEvents(securityEvents(t, realIP, first), map[string]any{"event": "login.failure", "ip": "127.0.0.5"}); n != 1 {
			t.Errorf("security log: the garbage header's failure is not logged with the proxy's address")
		}
		// A valid client behind the same proxy is not affected.
		if r := fail(realIP, "127.0.0.5", http.Header{"X-Real-Ip": {"203.0.113.20"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("a valid client behind the proxy: %d, want 422", r.Status)
		}
	})

	t.Run("empty X-Real-IP from two proxies makes no shared bucket", func(t *testing.T) {
		empty := http.Header{"X-Real-Ip": {""}}
		expectLimitAfter("empty X-Real-IP from 127.0.0.8", func(int) *response { return fail(realIP, "127.0.0.8", empty) })
		if r := fail(realIP, "127.0.0.9", empty); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("empty X-Real-IP from another proxy: %d, want 422 (its own bucket)", r.Status)
		}
	})

	t.Run("X-Forwarded-For is read from the right", func(t *testing.T) {
		expectLimitAfter("spoofed left entries of X-Forwarded-For", func(i int) *response {
			spoof := "10." + strconv.Itoa(i) + ".0.1, not-an-ip-" + randomHex(2)
			return fail(forwardedFor, "127.0.0.5", http.Header{"X-Forwarded-For": {spoof + ", 203.0.113.30"}})
		})
		if r := fail(forwardedFor, "127.0.0.5", http.Header{"X-Forwarded-For": {"203.0.113.30, 203.0.113.31"}}); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("another client in X-Forwarded-For: %d, want 422", r.Status)
		}
	})
}

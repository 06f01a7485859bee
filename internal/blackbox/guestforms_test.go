package blackbox

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Issue 8, item 5: a flood of cookieless GET /login must not fill the session
// store. The login and sign-up forms store nothing (their token is a cookie of
// the visitor's own), so the bound is zero: 20,000 of them leave no Redis key, and
// on the embedded default (memory) the live heap does not grow; the sessions of
// users signed in before the flood keep working.
func TestGuestFormFloodStoresNothing(t *testing.T) {
	t.Parallel()
	const flood = 20_000
	b := sharedBackends(t)

	t.Run("redis", func(t *testing.T) {
		a := startApp(t, b, nil)
		rdb := openRedis(t, b.RedisURL)
		users := signedInUsers(t, a, 3)
		keysBefore := len(redisKeys(t, rdb, b.RedisPrefix))
		memBefore := redisUsedMemory(t, rdb)

		cookies := cookieless(t, a, "/login", flood)

		keysAfter := len(redisKeys(t, rdb, b.RedisPrefix))
		if keysAfter != keysBefore || cookies != 0 {
			t.Errorf("%d cookieless GET /login: Redis keys %d -> %d and %d session cookies, want no change and none",
				flood, keysBefore, keysAfter, cookies)
		}
		expectSignedIn(t, users)
		t.Logf("%d cookieless GET /login: %d sessions stored (Redis keys under the prefix %d -> %d); "+
			"server-wide used_memory %+d KiB (shared with other tests, not asserted)",
			flood, keysAfter-keysBefore, keysBefore, keysAfter, (redisUsedMemory(t, rdb)-memBefore)/1024)
	})

	t.Run("memory", func(t *testing.T) {
		// The embedded default's sessions live in the process: watch its live heap
		// in the runtime's own GC trace (one line per GC on stderr).
		a := startApp(t, b, map[string]string{"REDIS_URL": "", "GODEBUG": "gctrace=1"})
		users := signedInUsers(t, a, 3)
		cookieless(t, a, "/login", 500) // warm up what the page itself keeps
		before := liveHeapAfterGC(t, a)

		cookies := cookieless(t, a, "/login", flood)
		after := liveHeapAfterGC(t, a)

		// 20,000 stored pre-sessions cost about 5 MB of live heap (measured on
		// the code before this change); the trace counts whole MB.
		if after-before > 2 || cookies != 0 {
			t.Errorf("%d cookieless GET /login: live heap %d MB -> %d MB and %d session cookies, want at most 2 MB more and none",
				flood, before, after, cookies)
		}
		expectSignedIn(t, users)
		t.Logf("%d cookieless GET /login on the memory store: live heap after GC %d MB -> %d MB", flood, before, after)
	})
}

// signedInUsers signs up n users and returns their clients.
func signedInUsers(t *testing.T, a *app, n int) []*client {
	t.Helper()
	users := make([]*client, n)
	for i := range users {
		users[i], _ = newUser(t, a)
	}
	return users
}

func expectSignedIn(t *testing.T, users []*client) {
	t.Helper()
	for i, u := range users {
		if r := u.get("/account"); r.Status != http.StatusOK {
			t.Errorf("user %d signed in before the flood: GET /account %d, want 200", i, r.Status)
		}
	}
}

// cookieless sends n GETs of path without any cookie, over 8 kept-alive
// connections, fails the test unless each is a 200, and returns how many of
// them started a session (sent a session cookie).
func cookieless(t *testing.T, a *app, path string, n int) int {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 20 * time.Second}
	var next, bad, sessions atomic.Int64
	var firstBad atomic.Value
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for next.Add(1) <= int64(n) {
				res, err := hc.Get(a.base + path)
				if err != nil {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, err.Error())
					continue
				}
				drain(res)
				if res.StatusCode != http.StatusOK {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, "status "+strconv.Itoa(res.StatusCode))
				}
				if strings.Contains(strings.Join(res.Header.Values("Set-Cookie"), ";"), sessionCookie) {
					sessions.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if bad.Load() > 0 {
		t.Fatalf("%d of %d cookieless GET %s went wrong; first: %v", bad.Load(), n, path, firstBad.Load())
	}
	return int(sessions.Load())
}

var gcTrace = regexp.MustCompile(`^gc \d+ .* (\d+)->(\d+)->(\d+) MB`)

// liveHeapAfterGC makes the app collect garbage a few times and returns its
// live heap in MB after the last collection, from its GC trace. Its 404 page,
// rendered afresh for every unknown path, allocates enough to trigger
// collections without touching any session.
func liveHeapAfterGC(t *testing.T, a *app) int {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: 8, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 20 * time.Second}
	start := countGC(a)
	for i := 0; i%100 != 0 || countGC(a) < start+3; i++ {
		if i == 50_000 {
			t.Fatal("no GC after 50,000 requests: is GODEBUG=gctrace=1 reaching the app?")
		}
		res, err := hc.Get(a.base + "/no-such-page-" + strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		drain(res)
	}
	lines := a.logs.all()
	for i := len(lines) - 1; i >= 0; i-- {
		if !strings.HasPrefix(lines[i], "gc ") {
			continue
		}
		if m := gcTrace.FindStringSubmatch(lines[i]); m != nil {
			n, _ := strconv.Atoi(m[3])
			return n
		}
	}
	t.Fatal("no GC trace line in the app's output (GODEBUG=gctrace=1)")
	return 0
}

// countGC counts the GC trace lines the app has written.
func countGC(a *app) int {
	n := 0
	for _, line := range a.logs.all() {
		if strings.HasPrefix(line, "gc ") && gcTrace.MatchString(line) {
			n++
		}
	}
	return n
}

// redisUsedMemory is the Redis server's used_memory in bytes.
func redisUsedMemory(t *testing.T, rdb *redis.Client) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	info, err := rdb.Info(ctx, "memory").Result()
	if err != nil {
		t.Fatalf("INFO memory: %v", err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatal("INFO memory has no used_memory")
	return 0
}

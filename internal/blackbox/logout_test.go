package blackbox

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Issue 8, item 6: a request whose session touch is due (it re-writes the
// session it loaded) must not bring back a session that a logout ended in
// between. The repro: 4 to 7 of 40 sessions were back. Here each of 40
// sessions gets a logout and eight page loads at the same moment, in three rounds.
func TestLoggedOutSessionNeverComesBack(t *testing.T) {
	t.Parallel()
	// A touch is due a tenth of the idle timeout after the last one (2 s here;
	// LastSeen has one-second resolution).
	const idle = 20 * time.Second
	b := sharedBackends(t)
	a := startApp(t, b, map[string]string{"SESSION_IDLE_TIMEOUT": idle.String()})
	rdb := openRedis(t, b.RedisURL)
	_, email := newUser(t, a)

	back, total := 0, 0
	for range 3 {
		clients := make([]*client, 40)
		for i := range clients {
			clients[i] = newClient(t, a)
			clients[i].login(email, testPassword)
			clients[i].get("/products/new") // its CSRF token
		}
		// Let the touch fall due for every session: a precondition in time, not a
		// synchronisation between requests.
		time.Sleep(idle/10 + 1500*time.Millisecond)

		ids := make([]string, len(clients))
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i, c := range clients {
			ids[i] = c.session()
			for range 8 {
				reader := c.clone()
				wg.Go(func() {
					<-start
					if r, err := reader.try(http.MethodGet, "/products", nil, nil); err != nil || r.Status >= 500 {
						t.Errorf("GET /products during logout: %v, %v", r, err)
					}
				})
			}
			wg.Go(func() {
				<-start
				if r := c.postWithToken("/logout", nil); r.Status != http.StatusSeeOther {
					t.Errorf("POST /logout: %d", r.Status)
				}
			})
		}
		close(start)
		wg.Wait()
		for _, id := range ids {
			total++
			if redisExists(t, rdb, b.RedisPrefix+"session:"+id) {
				back++
				continue
			}
			replay := newClient(t, a)
			replay.cookies[sessionCookie] = id
			if r := replay.get("/account"); r.Status != http.StatusSeeOther || r.location() != "/login" {
				back++
			}
		}
	}
	if back > 0 {
		t.Errorf("%d of %d logged-out sessions came back", back, total)
	}
	t.Logf("%d sessions logged out while eight page loads each were touching them: %d came back", total, back)
}

// Issue 8, item 7: "Log out" in a tab whose session has already ended (logged out
// in another tab, timed out, or the embedded default restarted) ends on the
// signed-out page like a normal logout. A cross-site POST is still refused, and
// a live session still needs its own token.
func TestLogoutWithoutLiveSession(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a := startApp(t, b, nil)
	htmx := http.Header{"Hx-Request": {"true"}, "Hx-Current-Url": {a.base + "/account"}}

	expectSignedOutLogout := func(t *testing.T, what string, stale *client, r *response) {
		t.Helper()
		if r.Status != http.StatusSeeOther || r.location() != "/" || r.Header.Get("HX-Redirect") != "" {
			t.Fatalf("%s: POST /logout %d %q (HX-Redirect %q), want 303 / like a normal logout",
				what, r.Status, r.location(), r.Header.Get("HX-Redirect"))
		}
		if stale.session() != "" {
			t.Errorf("%s: the stale cookie was not cleared", what)
		}
		// What htmx swaps in: the signed-out home page with the message.
		home := stale.request(http.MethodGet, "/", nil, htmx)
		if home.Status != http.StatusOK || !strings.Contains(home.Body, "You are logged out.") ||
			strings.Contains(home.Body, `action="/logout"`) {
			t.Errorf("%s: the page after logout is not the signed-out home page (%d)", what, home.Status)
		}
	}

	t.Run("logged out in another tab", func(t *testing.T) {
		t.Parallel()
		tab1, _ := newUser(t, a)
		tab1.get("/account")
		tab2 := tab1.clone()
		if r := tab1.postWithToken("/logout", nil); r.Status != http.StatusSeeOther {
			t.Fatalf("first logout: %d", r.Status)
		}
		expectSignedOutLogout(t, "second tab", tab2, tab2.post("/logout", url.Values{"_csrf": {tab2.csrf}}, htmx))
	})

	t.Run("session deleted", func(t *testing.T) {
		t.Parallel()
		c, _ := newUser(t, a)
		c.get("/account")
		if err := openRedis(t, b.RedisURL).Del(t.Context(), b.RedisPrefix+"session:"+c.session()).Err(); err != nil {
			t.Fatal(err)
		}
		expectSignedOutLogout(t, "expired session", c, c.post("/logout", url.Values{"_csrf": {c.csrf}}, htmx))
	})

	t.Run("no cookie at all", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, a)
		expectSignedOutLogout(t, "guest", c, c.post("/logout", url.Values{}, htmx))
	})

	t.Run("cross-site is refused", func(t *testing.T) {
		t.Parallel()
		for _, hdr := range []http.Header{{"Sec-Fetch-Site": {"cross-site"}}, {"Origin": {"http://evil.example"}}} {
			stale := newClient(t, a)
			stale.cookies[sessionCookie] = strings.Repeat("A", 43)
			if r := stale.post("/logout", url.Values{}, hdr); r.Status != http.StatusForbidden {
				t.Errorf("cross-site POST /logout without a live session (%v): %d, want 403", hdr, r.Status)
			}
			live, _ := newUser(t, a)
			live.get("/account")
			if r := live.post("/logout", url.Values{"_csrf": {live.csrf}}, hdr); r.Status != http.StatusForbidden {
				t.Errorf("cross-site POST /logout with a live session (%v): %d, want 403", hdr, r.Status)
			}
			if r := live.get("/account"); r.Status != http.StatusOK {
				t.Errorf("a refused cross-site logout ended the session: %d", r.Status)
			}
		}
	})

	t.Run("a live session needs its token", func(t *testing.T) {
		t.Parallel()
		c, _ := newUser(t, a)
		other, _ := newUser(t, a)
		other.get("/account")
		for _, token := range []string{"", "x" + randomHex(20), other.csrf} {
			if r := c.post("/logout", url.Values{"_csrf": {token}}, nil); r.Status != http.StatusForbidden {
				t.Errorf("POST /logout with token %.10q: %d, want 403", token, r.Status)
			}
		}
		if r := c.get("/account"); r.Status != http.StatusOK {
			t.Errorf("a refused logout ended the session: %d", r.Status)
		}
	})

	// The embedded default keeps sessions in memory: a restart ends them all.
	t.Run("embedded default restarted", func(t *testing.T) {
		t.Parallel()
		mb := sharedBackends(t)
		mem := startApp(t, mb, map[string]string{"REDIS_URL": ""})
		c, _ := newUser(t, mem)
		c.get("/account")
		if _, err := mem.stop(syscall.SIGTERM, 15*time.Second); err != nil {
			t.Fatal(err)
		}
		restarted := startApp(t, mb, map[string]string{"REDIS_URL": ""})
		c.base = restarted.base
		expectSignedOutLogout(t, "after a restart", c, c.post("/logout", url.Values{"_csrf": {c.csrf}},
			http.Header{"Hx-Request": {"true"}}))
	})
}

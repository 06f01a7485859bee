package blackbox

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var signOutAction = regexp.MustCompile(`action="(/account/sessions/[A-Za-z0-9_-]+/delete)"`)

// Issue 13: the sessions page lists every live session of the user from any
// instance, and "Sign out" on one instance ends a session at once on the other;
// "Sign out everywhere else" keeps only this one. Pages never show a session id.
func TestSessionsPageAcrossInstances(t *testing.T) {
	t.Parallel()
	b := sharedBackends(t)
	a1 := startApp(t, b, nil)
	a2 := startApp(t, b, nil)
	here, email := newUser(t, a1)
	phone := newClient(t, a2)
	phone.header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
	phone.login(email, testPassword)
	laptop := newClientFrom(t, a2.base, "127.0.0.7")
	laptop.login(email, testPassword)

	page := here.get("/account/sessions")
	if page.Status != http.StatusOK || strings.Count(page.Body, `data-testid="session"`) != 3 {
		t.Fatalf("sessions page: %d with %d sessions, want 3", page.Status, strings.Count(page.Body, `data-testid="session"`))
	}
	for _, sid := range []string{here.session(), phone.session(), laptop.session()} {
		if strings.Contains(page.Body, sid) {
			t.Fatal("the sessions page shows a session id")
		}
	}
	if !strings.Contains(page.Body, "Safari on iPhone") || !strings.Contains(page.Body, "127.0.0.0/24") {
		t.Fatalf("the page does not describe the sessions:\n%.3000s", page.Body)
	}
	// The phone's row is the one that names Safari.
	var phoneAction string
	for _, row := range strings.Split(page.Body, `data-testid="session"`)[1:] {
		if strings.Contains(row, "Safari on iPhone") {
			if m := signOutAction.FindStringSubmatch(row); m != nil {
				phoneAction = m[1]
			}
		}
	}
	if phoneAction == "" {
		t.Fatal("no Sign out button beside the phone's session")
	}
	if r := here.postWithToken(phoneAction, nil); r.Status != http.StatusSeeOther || r.location() != "/account/sessions" {
		t.Fatalf("sign out the phone: %d %q", r.Status, r.location())
	}
	expectEnded(t, "the phone, on the other instance", phone)
	if r := laptop.get("/account"); r.Status != http.StatusOK {
		t.Fatal("signing out the phone ended the laptop's session too")
	}

	if r := here.postWithToken("/account/sessions/delete-others", nil); r.Status != http.StatusSeeOther {
		t.Fatalf("sign out everywhere else: %d", r.Status)
	}
	expectEnded(t, "the laptop, on the other instance", laptop)
	if r := here.get("/account/sessions"); r.Status != http.StatusOK || strings.Count(r.Body, `data-testid="session"`) != 1 {
		t.Fatalf("after signing out everywhere else: %d", r.Status)
	}
	if len(a1.logs.records(map[string]any{"msg": "security event", "event": "session.ended", "reason": "user"})) != 2 {
		t.Error("want a session.ended security event per sign-out")
	}
}

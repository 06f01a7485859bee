package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// queuedJobs counts the jobs of kind waiting in the queue (the handler tests
// queue jobs but do not work them).
func (s *shop) queuedJobs(kind string) int {
	s.t.Helper()
	n, err := s.db.NewSelect().Table("river_job").Where("kind = ?", kind).Count(context.Background())
	if err != nil {
		s.t.Fatal(err)
	}
	return int(n)
}

// queuedMails returns the messages queued for to, oldest first.
func (s *shop) queuedMails(to string) []models.Email {
	s.t.Helper()
	var rows []struct {
		Args json.RawMessage `bun:"args"`
	}
	err := s.db.NewSelect().Table("river_job").Column("args").Where("kind = ?", services.SendEmailArgs{}.Kind()).
		OrderExpr("id").Scan(context.Background(), &rows)
	if err != nil {
		s.t.Fatal(err)
	}
	var mails []models.Email
	for _, r := range rows {
		var args services.SendEmailArgs
		if err := json.Unmarshal(r.Args, &args); err != nil {
			s.t.Fatal(err)
		}
		if args.Email.To == to {
			mails = append(mails, args.Email)
		}
	}
	return mails
}

// issueReset issues a reset link for email through the service, as the job does.
func (s *shop) issueReset(email string) string {
	s.t.Helper()
	token, user, err := s.security.IssuePasswordReset(context.Background(), email)
	if err != nil || user == nil {
		s.t.Fatalf("IssuePasswordReset(%s): %v %v", email, user, err)
	}
	return token
}

func TestForgotPassword(t *testing.T) {
	s := newShop(t)
	_, email := s.signedIn()

	t.Run("LinkedFromLoginWithALabelledField", func(t *testing.T) {
		c := s.client()
		login := c.get("/login")
		if login.doc(t).Find(`a[href="/password/forgot"]`).Text() != "Forgot your password?" {
			t.Fatal(`the login page has no "Forgot your password?" link`)
		}
		page := c.get("/password/forgot")
		expectStatus(t, page, http.StatusOK)
		doc := page.doc(t)
		if doc.Find(`label[for="email"]`).Length() != 1 || doc.Find(`form[action="/password/forgot"] input#email[name="email"]`).Length() != 1 {
			t.Fatal("the email field lacks its label")
		}
		if v, _ := doc.Find(`form input[name="_csrf"]`).Attr("value"); v == "" || v != c.csrf {
			t.Fatalf("form token %q, page token %q", v, c.csrf)
		}
	})

	t.Run("ErrInvalidKeepsTheAddress", func(t *testing.T) {
		c := s.client()
		c.get("/password/forgot")
		r := c.post("/password/forgot", url.Values{"email": {"not an address"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		doc := r.doc(t)
		if v, _ := doc.Find("input#email").Attr("value"); v != "not an address" {
			t.Fatalf("typed address not kept: %q", v)
		}
		if doc.Find("#email-error").Text() == "" {
			t.Fatal("no message beside the field")
		}
	})

	t.Run("KnownAndUnknownAddressesGetTheSameAnswerAndWork", func(t *testing.T) {
		c := s.client()
		c.get("/password/forgot")
		jobs := s.queuedJobs(services.PasswordResetRequest{}.Kind())
		known := c.post("/password/forgot", url.Values{"email": {strings.ToUpper(email)}})
		unknown := c.post("/password/forgot", url.Values{"email": {"nobody-" + email}})
		expectStatus(t, known, http.StatusOK)
		if unknown.StatusCode != known.StatusCode || unknown.body != known.body {
			t.Fatalf("known: %d, unknown: %d; bodies equal: %v", known.StatusCode, unknown.StatusCode, unknown.body == known.body)
		}
		if !strings.Contains(known.body, "If an account exists for that address, we sent a link. It works for 1 hour.") {
			t.Fatalf("the page does not say what happened:\n%.3000s", known.body)
		}
		// Each request queued the same job and looked nothing up: no link exists yet.
		if got := s.queuedJobs(services.PasswordResetRequest{}.Kind()); got != jobs+2 {
			t.Fatalf("%d reset-request jobs queued, want 2", got-jobs)
		}
		n, err := s.db.NewSelect().Table("account_tokens").Count(context.Background())
		if err != nil || n != 0 {
			t.Fatalf("%d links stored before any job ran (%v)", n, err)
		}
	})
}

func TestPasswordReset(t *testing.T) {
	s := newShop(t)
	other, email := s.signedIn() // a session elsewhere that the reset must end

	t.Run("TheLinkPageLeaksNoToken", func(t *testing.T) {
		token := s.issueReset(email)
		c := s.client()
		r := c.get("/password/reset/" + token)
		expectStatus(t, r, http.StatusOK)
		if got := r.Header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Fatalf("Referrer-Policy %q, want no-referrer", got)
		}
		doc := r.doc(t)
		if v, _ := doc.Find("input#username").Attr("value"); v != email {
			t.Fatalf("the form does not name the account: %q", v)
		}
		if doc.Find(`label[for="password"]`).Length() != 1 {
			t.Fatal("the new password has no label")
		}
		// Only the form's own action holds the token: the nav's log-in link does not.
		if n := strings.Count(r.body, token); n != 2 { // action and hx-post
			t.Fatalf("the token appears %d times in the page, want 2 (the form's action and hx-post)", n)
		}
	})

	t.Run("ThePasswordRulesApplyWithTheReason", func(t *testing.T) {
		token := s.issueReset(email)
		c := s.client()
		c.get("/password/reset/" + token)
		for pw, want := range map[string]string{
			"short":                  "Use at least 12 characters.",
			"passwordpassword":       models.CommonPasswordMessage,
			"qwertyqwerty":           models.CommonPasswordMessage,
			strings.ToUpper(email):   models.OwnEmailMessage,
			strings.Repeat("x", 129): "Use at most 128 characters.",
		} {
			r := c.post("/password/reset/"+token, url.Values{"password": {pw}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			doc := r.doc(t)
			if msg := doc.Find("#password-error").Text(); msg != want {
				t.Errorf("password %.20q: message %q, want %q", pw, msg, want)
			}
			if d, _ := doc.Find("input#password").Attr("aria-describedby"); d != "password-error" {
				t.Errorf("password %.20q: the field is not tied to its message", pw)
			}
			if strings.Contains(r.body, `value="`+pw+`"`) {
				t.Errorf("the password %.20q was echoed back", pw)
			}
		}
		// Refusals leave the link open.
		if r := c.get("/password/reset/" + token); r.StatusCode != http.StatusOK {
			t.Fatalf("the link closed after refused passwords: %d", r.StatusCode)
		}
	})

	t.Run("SetsThePasswordEndsEverySessionAndSignsIn", func(t *testing.T) {
		token := s.issueReset(email)
		c := s.client()
		c.get("/password/reset/" + token)
		guestToken := c.csrf
		late := s.client() // another tab with the form open, posted after the link is spent
		late.get("/password/reset/" + token)
		mails := len(s.queuedMails(email))
		const newPassword = "a brand new and long password"
		r := c.post("/password/reset/"+token, url.Values{"password": {newPassword}})
		expectRedirect(t, r, http.StatusSeeOther, "/account")
		if c.sid() == "" {
			t.Fatal("the reset did not sign this browser in")
		}
		page := c.get("/account")
		expectStatus(t, page, http.StatusOK)
		if c.csrf == guestToken || !strings.Contains(page.body, "Your password has been reset") {
			t.Fatalf("token rotated: %v; flash shown: %v", c.csrf != guestToken, strings.Contains(page.body, "Your password has been reset"))
		}
		if r := other.get("/account"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
			t.Fatalf("the other session survived the reset: %d %q", r.StatusCode, r.Header.Get("Location"))
		}
		got := s.queuedMails(email)
		if len(got) != mails+1 || got[len(got)-1].Subject != "Your Storefront password was changed" {
			t.Fatalf("mails after the reset: %+v", got[mails:])
		}
		// Used: the same page as an unknown link.
		again := s.client()
		used := again.get("/password/reset/" + token)
		unknown := again.get("/password/reset/" + services.NewToken())
		expectStatus(t, used, http.StatusNotFound)
		if used.body != unknown.body || !strings.Contains(used.body, "This link has expired or was already used") {
			t.Fatalf("a used link and an unknown one differ, or say nothing:\n%.2000s", used.body)
		}
		if used.doc(t).Find(`a[href="/password/forgot"]`).Length() == 0 {
			t.Fatal("the expired page offers no new link")
		}
		// htmx posting a spent link reloads the page, which then shows the answer whole.
		post := late.do(http.MethodPost, "/password/reset/"+token, url.Values{"_csrf": {late.csrf}, "password": {newPassword}},
			http.Header{"Hx-Request": {"true"}})
		if post.StatusCode != http.StatusNotFound || post.Header.Get("HX-Refresh") != "true" {
			t.Fatalf("htmx post of a used link: %d, HX-Refresh %q", post.StatusCode, post.Header.Get("HX-Refresh"))
		}
		// Logging in takes the new password only.
		login := s.client()
		login.get("/login")
		if r := login.post("/login", url.Values{"email": {email}, "password": {testPassword}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("the old password still logs in: %d", r.StatusCode)
		}
		if r := login.post("/login", url.Values{"email": {email}, "password": {newPassword}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("the new password does not log in: %d", r.StatusCode)
		}
	})
}

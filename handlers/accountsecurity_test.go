package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/handlers"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// secondSession signs email in from another browser.
func (s *shop) secondSession(email string) *client {
	s.t.Helper()
	c := s.client()
	c.get("/login")
	if r := c.post("/login", url.Values{"email": {email}, "password": {testPassword}}); r.StatusCode != http.StatusSeeOther {
		s.t.Fatalf("second login: %d", r.StatusCode)
	}
	c.get("/account")
	return c
}

// signedOut fails unless c's session has ended.
func signedOut(t *testing.T, what string, c *client) {
	t.Helper()
	if r := c.get("/account"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("%s: the session still works (GET /account %d %q)", what, r.StatusCode, r.Header.Get("Location"))
	}
}

func TestChangePassword(t *testing.T) {
	s := newShop(t)
	c, email := s.signedIn()
	other := s.secondSession(email)

	page := c.get("/account/password")
	expectStatus(t, page, http.StatusOK)
	for _, name := range []string{"current_password", "new_password"} {
		if page.doc(t).Find(`label[for="`+name+`"]`).Length() != 1 || page.doc(t).Find(`input#`+name+`[type="password"]`).Length() != 1 {
			t.Fatalf("field %s lacks its label or input", name)
		}
	}

	t.Run("RefusalsShowBesideTheirField", func(t *testing.T) {
		for _, tc := range []struct {
			current, next, field, want string
		}{
			{"not my password at all", "a brand new and long password", "current_password", "That is not your current password."},
			{testPassword, "passwordpassword", "new_password", models.CommonPasswordMessage},
			{testPassword, email, "new_password", models.OwnEmailMessage},
			{testPassword, "short", "new_password", "Use at least 12 characters."},
		} {
			r := c.post("/account/password", url.Values{"current_password": {tc.current}, "new_password": {tc.next}})
			expectStatus(t, r, http.StatusUnprocessableEntity)
			if msg := r.doc(t).Find("#" + tc.field + "-error").Text(); msg != tc.want {
				t.Errorf("%s: message %q, want %q", tc.field, msg, tc.want)
			}
			r.doc(t).Find(`input[type="password"]`).Each(func(_ int, in *goquery.Selection) {
				if v, _ := in.Attr("value"); v != "" {
					t.Errorf("a password was echoed back into the form: %q", v)
				}
			})
		}
		if r := other.get("/account"); r.StatusCode != http.StatusOK {
			t.Fatal("a refused change ended the other session")
		}
	})

	t.Run("SuccessEndsOtherSessionsRenewsThisOneAndMails", func(t *testing.T) {
		oldSID, oldToken := c.sid(), c.csrf
		mails := len(s.queuedMails(email))
		const newPassword = "another perfectly fine password"
		r := c.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {newPassword}})
		expectRedirect(t, r, http.StatusSeeOther, "/account")
		if c.sid() == "" || c.sid() == oldSID {
			t.Fatal("the session id was not renewed")
		}
		account := c.get("/account")
		expectStatus(t, account, http.StatusOK)
		if c.csrf == oldToken || !strings.Contains(account.body, "Your password has been changed") {
			t.Fatalf("CSRF token renewed: %v; flash: %v", c.csrf != oldToken, strings.Contains(account.body, "Your password has been changed"))
		}
		signedOut(t, "the other session after the change", other)
		old := s.client()
		old.cookies["__Host-sid"] = oldSID
		signedOut(t, "the replaced session id", old)
		got := s.queuedMails(email)
		if len(got) != mails+1 || got[len(got)-1].Subject != "Your Storefront password was changed" {
			t.Fatalf("mails after the change: %+v", got[mails:])
		}
	})
}

func TestEmailChange(t *testing.T) {
	s := newShop(t)
	c, email := s.signedIn()
	_, takenAddress := s.signedIn()

	t.Run("FreeAndTakenAddressesGetTheSameAnswer", func(t *testing.T) {
		answer := func(newEmail string) (int, string) {
			c.get("/account/email")
			r := c.post("/account/email", url.Values{"email": {newEmail}, "current_password": {testPassword}})
			return r.StatusCode, strings.ReplaceAll(r.body, newEmail, "ADDRESS")
		}
		free := "free-" + email
		st1, body1 := answer(free)
		st2, body2 := answer(takenAddress)
		if st1 != http.StatusOK || st1 != st2 || body1 != body2 {
			t.Fatalf("free: %d, taken: %d, same page: %v", st1, st2, body1 == body2)
		}
		if !strings.Contains(body1, "We sent a link to ADDRESS") {
			t.Fatalf("the page does not say where the link went:\n%.3000s", body1)
		}
		link := s.queuedMails(free)
		note := s.queuedMails(takenAddress)
		if len(link) != 1 || !strings.Contains(link[0].Text, "https://shop.test/account/email/confirm/") {
			t.Fatalf("the free address got %+v, want the link", link)
		}
		if len(note) != 1 || strings.Contains(note[0].Text, "/account/email/confirm/") ||
			!strings.Contains(note[0].Text, "you already have an account") {
			t.Fatalf("the taken address got %+v, want a note without a link", note)
		}
		if got := c.get("/account").doc(t).Find(`[data-testid="account-email"]`).Text(); got != email {
			t.Fatalf("the address changed before the link was followed: %q", got)
		}
	})

	t.Run("RefusalsKeepTheAddress", func(t *testing.T) {
		c.get("/account/email")
		r := c.post("/account/email", url.Values{"email": {"New@Example.com"}, "current_password": {"not my password at all"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		doc := r.doc(t)
		if v, _ := doc.Find("input#email").Attr("value"); v != "New@Example.com" {
			t.Fatalf("typed address not kept: %q", v)
		}
		if doc.Find("#current_password-error").Text() != "That is not your current password." {
			t.Fatal("no message beside the current password")
		}
		r = c.post("/account/email", url.Values{"email": {"nope"}, "current_password": {testPassword}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if r.doc(t).Find("#email-error").Text() == "" {
			t.Fatal("no message beside the address")
		}
	})

	t.Run("TheLinkAsksBeforeItChangesAnything", func(t *testing.T) {
		other := s.secondSession(email)
		newEmail := "moved-" + email
		token, _, err := s.security.RequestEmailChange(context.Background(), userID(t, s, email), newEmail, testPassword)
		if err != nil {
			t.Fatal(err)
		}
		guest := s.client() // the mail opened in a browser that is not signed in
		page := guest.get("/account/email/confirm/" + token)
		expectStatus(t, page, http.StatusOK)
		if page.Header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(page.body, newEmail) {
			t.Fatalf("Referrer-Policy %q; names the address: %v", page.Header.Get("Referrer-Policy"), strings.Contains(page.body, newEmail))
		}
		if got := c.get("/account").doc(t).Find(`[data-testid="account-email"]`).Text(); got != email {
			t.Fatalf("opening the link changed the address: %q", got)
		}
		mails := len(s.queuedMails(email))
		r := guest.post("/account/email/confirm/"+token, nil)
		expectRedirect(t, r, http.StatusSeeOther, "/login")
		if got := c.get("/account").doc(t).Find(`[data-testid="account-email"]`).Text(); got != newEmail {
			t.Fatalf("account email %q after confirming, want %q", got, newEmail)
		}
		// Every session's nav shows the new address.
		for _, cl := range []*client{c, other} {
			if got := cl.get("/products").doc(t).Find(`nav#nav [data-testid="nav-user"]`).Text(); got != newEmail {
				t.Errorf("nav shows %q, want %q", got, newEmail)
			}
		}
		got := s.queuedMails(email)
		if len(got) != mails+1 || !strings.Contains(got[len(got)-1].Text, newEmail) {
			t.Fatalf("the old address was not told: %+v", got[mails:])
		}
		if r := guest.get("/account/email/confirm/" + token); r.StatusCode != http.StatusNotFound ||
			!strings.Contains(r.body, "This link has expired or was already used") {
			t.Fatalf("a used link: %d", r.StatusCode)
		}
	})
}

func userID(t *testing.T, s *shop, email string) int64 {
	t.Helper()
	var id int64
	if err := s.db.NewSelect().Table("users").Column("id").Where("email = ?", email).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A wrong current password counts like a failed login for the account, in the
// same counters: a stolen session gets no more guesses through these forms
// than through the login form.
func TestCurrentPasswordIsThrottledLikeLogin(t *testing.T) {
	rules := services.DefaultThrottleRules
	rules.LoginPerAccount = services.ThrottleRule{Limit: 3, Window: time.Hour}
	s := newShop(t, func(d *handlers.Deps) { d.Throttle = services.NewThrottle(services.NewMemoryCounter(), rules) })
	c, email := s.signedIn()
	c.get("/account/password")
	for i := range 2 {
		r := c.post("/account/password", url.Values{"current_password": {"wrong guess " + strconv.Itoa(i)}, "new_password": {"a brand new and long password"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
	}
	c.get("/account/email")
	expectStatus(t, c.post("/account/email", url.Values{"email": {"x-" + email}, "current_password": {"wrong guess 3"}}), http.StatusUnprocessableEntity)

	r := c.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a brand new and long password"}})
	expectStatus(t, r, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" || !strings.Contains(r.doc(t).Find(`[role="alert"]`).Text(), "Too many attempts") {
		t.Fatalf("throttled change: Retry-After %q\n%.2000s", r.Header.Get("Retry-After"), r.body)
	}
	login := s.client()
	login.get("/login")
	if r := login.post("/login", url.Values{"email": {email}, "password": {testPassword}}); r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("login after three wrong current passwords: %d, want 429 (the same counter)", r.StatusCode)
	}
}

package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/services"
)

func TestSessionsPage(t *testing.T) {
	s := newShop(t)
	c, email := s.signedIn()
	phone := s.client()
	phone.header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36")
	phone.get("/login")
	if r := phone.post("/login", url.Values{"email": {email}, "password": {testPassword}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("phone login: %d", r.StatusCode)
	}
	third := s.secondSession(email)

	page := c.get("/account/sessions")
	expectStatus(t, page, http.StatusOK)
	doc := page.doc(t)
	rows := doc.Find(`[data-testid="session"]`)
	if rows.Length() != 3 {
		t.Fatalf("%d sessions listed, want 3", rows.Length())
	}
	if rows.First().Find(`[data-testid="current-session"]`).Length() != 1 || doc.Find(`[data-testid="current-session"]`).Length() != 1 {
		t.Fatal("this session is not the first, marked one")
	}
	if !strings.Contains(rows.Text(), "Chrome on Android") {
		t.Fatalf("the phone's browser is not named:\n%s", rows.Text())
	}
	for _, sid := range []string{c.sid(), phone.sid(), third.sid()} {
		if strings.Contains(page.body, sid) {
			t.Fatal("the page shows a session id")
		}
	}
	if rows.First().Find("form").Length() != 0 || rows.Find(`form[action^="/account/sessions/"]`).Length() != 2 {
		t.Fatal("want a Sign out button beside every other session, none beside this one")
	}

	t.Run("SignOutOneThroughHTMX", func(t *testing.T) {
		var phoneRow string
		rows.EachWithBreak(func(_ int, row *goquery.Selection) bool {
			if strings.Contains(row.Text(), "Chrome on Android") {
				phoneRow, _ = row.Find("form").Attr("action")
				return false
			}
			return true
		})
		r := c.do(http.MethodPost, phoneRow, url.Values{"_csrf": {c.csrf}}, http.Header{"Hx-Request": {"true"}})
		expectStatus(t, r, http.StatusOK)
		flash := r.doc(t).Find(`#flash[hx-swap-oob="true"]`)
		if flash.Text() != "That session is signed out." || r.doc(t).Find("li").Length() != 0 {
			t.Fatalf("htmx answer: %q", r.body)
		}
		signedOut(t, "the phone", phone)
		if got := c.get("/account/sessions").doc(t).Find(`[data-testid="session"]`).Length(); got != 2 {
			t.Fatalf("%d sessions after signing one out, want 2", got)
		}
		// Again: nothing left to end, and the answer says so.
		r = c.do(http.MethodPost, phoneRow, url.Values{"_csrf": {c.csrf}}, http.Header{"Hx-Request": {"true"}})
		if r.StatusCode != http.StatusOK || !strings.Contains(r.body, "That session had already ended.") {
			t.Fatalf("second sign-out: %d %q", r.StatusCode, r.body)
		}
	})

	t.Run("SignOutEverywhereElse", func(t *testing.T) {
		r := c.post("/account/sessions/delete-others", nil)
		expectRedirect(t, r, http.StatusSeeOther, "/account/sessions")
		signedOut(t, "the third session", third)
		list := c.get("/account/sessions")
		expectStatus(t, list, http.StatusOK)
		if got := list.doc(t).Find(`[data-testid="session"]`).Length(); got != 1 || !strings.Contains(list.body, "Every other session") {
			t.Fatalf("%d sessions left; flash shown: %v", got, strings.Contains(list.body, "Every other session"))
		}
	})

	t.Run("AnotherUsersHandleEndsNothing", func(t *testing.T) {
		stranger, _ := s.signedIn()
		ref := (&services.Session{ID: c.sid()}).Ref()
		r := stranger.post("/account/sessions/"+ref+"/delete", nil)
		expectRedirect(t, r, http.StatusSeeOther, "/account/sessions")
		if r := c.get("/account"); r.StatusCode != http.StatusOK {
			t.Fatal("another user's post ended this session")
		}
	})
}

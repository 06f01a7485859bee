package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSignup(t *testing.T) {
	s := newShop(t)

	t.Run("PageGivesAGuestTokenAndStoresNothing", func(t *testing.T) {
		c := s.client()
		keys := s.redisKeys()
		resp := c.get("/signup")
		expectStatus(t, resp, http.StatusOK)
		doc := resp.doc(t)
		field, _ := doc.Find(`form[action="/signup"] input[name="_csrf"]`).Attr("value")
		if c.csrf == "" || field != c.csrf {
			t.Fatalf("meta token %q, form token %q", c.csrf, field)
		}
		for _, name := range []string{"email", "password"} {
			if doc.Find(`label[for="`+name+`"]`).Length() != 1 || doc.Find(`input#`+name+`[name="`+name+`"]`).Length() != 1 {
				t.Fatalf("field %s lacks its label or input", name)
			}
		}
		ck, ok := resp.setCookie("__Host-guest")
		if !ok || !ck.HttpOnly || !ck.Secure || ck.Path != "/" || ck.SameSite != http.SameSiteLaxMode || ck.Domain != "" ||
			!strings.HasPrefix(ck.Value, c.csrf) {
			t.Fatalf("guest form cookie %+v (token %q)", ck, c.csrf)
		}
		if _, ok := resp.setCookie("__Host-sid"); ok || s.redisKeys() != keys {
			t.Fatal("a guest's form page started a session")
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("Cache-Control %q on a page with a token", resp.Header.Get("Cache-Control"))
		}
		// The token stays the same for the visitor's other tabs.
		again := c.get("/login")
		if _, ok := again.setCookie("__Host-guest"); ok || c.csrf != field {
			t.Fatalf("a second form page changed the token (%q -> %q)", field, c.csrf)
		}
	})

	t.Run("ErrInvalidKeepsEmail", func(t *testing.T) {
		c := s.client()
		c.get("/signup")
		resp := c.post("/signup", url.Values{"email": {"Not An Email"}, "password": {"short"}})
		expectStatus(t, resp, http.StatusUnprocessableEntity)
		doc := resp.doc(t)
		if v, _ := doc.Find("input#email").Attr("value"); v != "Not An Email" {
			t.Fatalf("email not kept: %q", v)
		}
		for _, f := range []string{"email", "password"} {
			if msg := doc.Find("#" + f + "-error").Text(); msg == "" {
				t.Fatalf("no message beside %s", f)
			}
			if d, _ := doc.Find("input#" + f).Attr("aria-describedby"); d != f+"-error" {
				t.Fatalf("%s not tied to its message: %q", f, d)
			}
		}
		if strings.Contains(resp.body, `value="short"`) {
			t.Fatal("the password was echoed back into the page")
		}
	})

	t.Run("CreatesAccountAndSignsIn", func(t *testing.T) {
		c := s.client()
		c.get("/signup")
		preToken := c.csrf
		email := uniqueEmail()
		resp := c.post("/signup", url.Values{"email": {"  " + strings.ToUpper(email) + " "}, "password": {testPassword}})
		expectRedirect(t, resp, http.StatusSeeOther, "/products")
		if c.sid() == "" {
			t.Fatal("sign-up did not start a session")
		}
		page := c.get("/products")
		if got := page.doc(t).Find(`nav#nav [data-testid="nav-user"]`).Text(); got != email {
			t.Fatalf("nav shows %q, want the normalised email %q", got, email)
		}
		if c.csrf == preToken {
			t.Fatal("CSRF token not rotated at sign-up")
		}
		if !strings.Contains(page.body, "Welcome") {
			t.Fatal("no confirmation message after sign-up")
		}

		dup := s.client()
		dup.get("/signup")
		r := dup.post("/signup", url.Values{"email": {strings.ToUpper(email)}, "password": {testPassword}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if r.doc(t).Find("#email-error").Text() == "" {
			t.Fatal("taken email has no message")
		}
	})
}

func TestLogin(t *testing.T) {
	s := newShop(t)
	_, email := s.signedIn()

	t.Run("SameAnswerForWrongPasswordAndUnknownEmail", func(t *testing.T) {
		answer := func(email, password string) (int, string) {
			c := s.client()
			c.get("/login")
			r := c.post("/login", url.Values{"email": {email}, "password": {password}})
			return r.StatusCode, r.doc(t).Find(`[role="alert"]`).Text()
		}
		st1, msg1 := answer(email, "wrong password here")
		st2, msg2 := answer("nobody-"+email, "wrong password here")
		if st1 != http.StatusUnprocessableEntity || st1 != st2 || msg1 != msg2 || msg1 == "" {
			t.Fatalf("wrong password: %d %q; unknown email: %d %q", st1, msg1, st2, msg2)
		}
	})

	t.Run("KeepsEmailOnError", func(t *testing.T) {
		c := s.client()
		c.get("/login")
		r := c.post("/login", url.Values{"email": {email}, "password": {"nope nope nope"}})
		if v, _ := r.doc(t).Find("input#email").Attr("value"); v != email {
			t.Fatalf("email not kept: %q", v)
		}
	})

	t.Run("RotatesSessionAndToken", func(t *testing.T) {
		c := s.client()
		c.get("/login")
		guestToken := c.csrf
		expectRedirect(t, c.post("/login", url.Values{"email": {email}, "password": {testPassword}}), http.StatusSeeOther, "/products")
		c.get("/account")
		oldID, oldToken := c.sid(), c.csrf
		if oldID == "" || oldToken == guestToken {
			t.Fatalf("login gave no session (%q) or kept the guest token", oldID)
		}
		// Logging in again (from a login page still open) replaces the session.
		r := c.post("/login", url.Values{"_csrf": {guestToken}, "email": {strings.ToUpper(email)}, "password": {testPassword}})
		expectRedirect(t, r, http.StatusSeeOther, "/products")
		if c.sid() == oldID {
			t.Fatal("session id not rotated at login")
		}
		c.get("/account")
		if c.csrf == oldToken {
			t.Fatal("CSRF token not rotated at login")
		}
		// The replaced id is dead: replaying it is a guest.
		replay := s.client()
		replay.cookies["__Host-sid"] = oldID
		expectRedirect(t, replay.get("/account"), http.StatusSeeOther, "/login")
	})

	t.Run("HTMXGetsHXRedirect", func(t *testing.T) {
		c := s.client()
		c.get("/login")
		form := url.Values{"email": {email}, "password": {testPassword}, "_csrf": {c.csrf}}
		r := c.do(http.MethodPost, "/login", form, http.Header{"Hx-Request": {"true"}})
		if r.StatusCode >= 300 && r.StatusCode < 400 || r.Header.Get("HX-Redirect") != "/products" {
			t.Fatalf("htmx login: %d, HX-Redirect %q", r.StatusCode, r.Header.Get("HX-Redirect"))
		}
	})

	t.Run("SignedInUserIsSentOn", func(t *testing.T) {
		c, _ := s.signedIn()
		expectRedirect(t, c.get("/login"), http.StatusSeeOther, "/products")
		expectRedirect(t, c.get("/signup"), http.StatusSeeOther, "/products")
		expectRedirect(t, c.get("/login?next=/account"), http.StatusSeeOther, "/account")
		expectRedirect(t, c.get("/login?next=//evil.example"), http.StatusSeeOther, "/products")
	})
}

func TestAfterLoginPage(t *testing.T) {
	s := newShop(t)
	_, email := s.signedIn()
	login := func(c *client) *response {
		c.get("/login")
		return c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
	}

	t.Run("ProtectedPageRemembered", func(t *testing.T) {
		c := s.client()
		expectRedirect(t, c.get("/account?tab=products"), http.StatusSeeOther, "/login")
		expectRedirect(t, login(c), http.StatusSeeOther, "/account?tab=products")
		// Used once: the next login goes to the default.
		c2 := s.client()
		c2.cookies = map[string]string{}
		expectRedirect(t, login(c2), http.StatusSeeOther, "/products")
	})

	t.Run("SignUpAlsoReturns", func(t *testing.T) {
		c := s.client()
		expectRedirect(t, c.get("/products/new"), http.StatusSeeOther, "/login")
		c.get("/signup")
		r := c.post("/signup", url.Values{"email": {uniqueEmail()}, "password": {testPassword}})
		expectRedirect(t, r, http.StatusSeeOther, "/products/new")
	})

	t.Run("NextParameter", func(t *testing.T) {
		c := s.client()
		c.get("/login?next=" + url.QueryEscape("/products?page=2"))
		r := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
		expectRedirect(t, r, http.StatusSeeOther, "/products?page=2")
	})

	t.Run("UnsafeNextRefused", func(t *testing.T) {
		for _, next := range []string{"//evil.example", "https://evil.example/", `/\evil.example`, "javascript:alert(1)", "/\r\nSet-Cookie:x=1", "/\tevil"} {
			c := s.client()
			c.get("/login?next=" + url.QueryEscape(next))
			r := c.post("/login", url.Values{"email": {email}, "password": {testPassword}})
			expectRedirect(t, r, http.StatusSeeOther, "/products")
		}
	})

	t.Run("PostStoresNothing", func(t *testing.T) {
		c := s.client()
		expectRedirect(t, c.post("/products", url.Values{"name": {"x"}, "price": {"1"}}), http.StatusSeeOther, "/login")
		expectRedirect(t, login(c), http.StatusSeeOther, "/products")
	})

	t.Run("ReasonStaysAfterAFailedAttempt", func(t *testing.T) {
		c := s.client()
		expectRedirect(t, c.get("/account"), http.StatusSeeOther, "/login")
		reason := func(r *response) string {
			return strings.TrimSpace(r.doc(t).Find(`[data-testid="login-reason"]`).Text())
		}
		if got := reason(c.get("/login")); got != "Log in to see your account" {
			t.Fatalf("login page reason %q", got)
		}
		r := c.post("/login", url.Values{"email": {email}, "password": {"not the password at all"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if got := reason(r); got != "Log in to see your account" {
			t.Fatalf("after a failed attempt the reason is %q", got)
		}
		expectRedirect(t, login(c), http.StatusSeeOther, "/account")
	})

	t.Run("HTMXGuestGetsHXRedirect", func(t *testing.T) {
		c := s.client()
		r := c.do(http.MethodGet, "/account", nil, http.Header{"Hx-Request": {"true"}, "Hx-Current-Url": {"https://shop.test/products?page=2"}})
		if r.StatusCode >= 300 && r.StatusCode < 400 || r.Header.Get("HX-Redirect") != "/login" {
			t.Fatalf("htmx guest: %d, HX-Redirect %q", r.StatusCode, r.Header.Get("HX-Redirect"))
		}
		expectRedirect(t, login(c), http.StatusSeeOther, "/products?page=2")
	})
}

func TestLogout(t *testing.T) {
	s := newShop(t)

	t.Run("GetNotAllowed", func(t *testing.T) {
		c, _ := s.signedIn()
		expectStatus(t, c.get("/logout"), http.StatusMethodNotAllowed)
		expectStatus(t, c.get("/account"), http.StatusOK) // still signed in
	})

	t.Run("ErrMissingOrWrongToken", func(t *testing.T) {
		c, _ := s.signedIn()
		expectStatus(t, c.post("/logout", url.Values{"_csrf": {""}}), http.StatusForbidden)
		expectStatus(t, c.post("/logout", url.Values{"_csrf": {"not-the-token"}}), http.StatusForbidden)
		other, _ := s.signedIn()
		expectStatus(t, c.post("/logout", url.Values{"_csrf": {other.csrf}}), http.StatusForbidden)
		expectStatus(t, c.get("/account"), http.StatusOK)
	})

	t.Run("DestroysSession", func(t *testing.T) {
		c, _ := s.signedIn()
		sid := c.sid()
		r := c.post("/logout", nil)
		expectRedirect(t, r, http.StatusSeeOther, "/")
		ck, ok := r.setCookie("__Host-sid")
		if !ok || ck.Value != "" || !ck.Secure || ck.Path != "/" {
			t.Fatalf("cookie not expired properly: %+v", ck)
		}
		if n := s.redis.Exists(context.Background(), s.prefix+"session:"+sid).Val(); n != 0 {
			t.Fatal("the session was not deleted from Redis")
		}
		home := c.get("/")
		if home.doc(t).Find(`nav#nav form[action="/logout"]`).Length() != 0 || !strings.Contains(home.body, "You are logged out.") {
			t.Fatal("after logout the nav is not signed out or no message was shown")
		}
		replay := s.client()
		replay.cookies["__Host-sid"] = sid
		expectRedirect(t, replay.get("/account"), http.StatusSeeOther, "/login")
	})

	t.Run("HTMXFollowsTheRedirect", func(t *testing.T) {
		c, _ := s.signedIn()
		r := c.do(http.MethodPost, "/logout", url.Values{"_csrf": {c.csrf}}, http.Header{"Hx-Request": {"true"}})
		expectRedirect(t, r, http.StatusSeeOther, "/")
	})

	// Issue 8, item 7: the session already ended (another tab, idle timeout,
	// restart): logging out still ends on the signed-out page.
	t.Run("StaleTabSucceeds", func(t *testing.T) {
		c, _ := s.signedIn()
		if err := s.redis.Del(context.Background(), s.prefix+"session:"+c.sid()).Err(); err != nil {
			t.Fatal(err)
		}
		r := c.do(http.MethodPost, "/logout", url.Values{"_csrf": {c.csrf}}, http.Header{"Hx-Request": {"true"}})
		expectRedirect(t, r, http.StatusSeeOther, "/")
		if r.Header.Get("HX-Redirect") != "" || c.sid() != "" {
			t.Fatalf("HX-Redirect %q, cookie %q", r.Header.Get("HX-Redirect"), c.sid())
		}
	})

	// Other state-changing requests still take the whole page to log in.
	t.Run("HTMXWithExpiredSessionGoesToLogin", func(t *testing.T) {
		c, _ := s.signedIn()
		if err := s.redis.Del(context.Background(), s.prefix+"session:"+c.sid()).Err(); err != nil {
			t.Fatal(err)
		}
		r := c.do(http.MethodPost, "/products", url.Values{"_csrf": {c.csrf}, "name": {"x"}, "price": {"1"}}, http.Header{"Hx-Request": {"true"}})
		if r.StatusCode != http.StatusNoContent || r.Header.Get("HX-Redirect") != "/login" {
			t.Fatalf("status %d, HX-Redirect %q", r.StatusCode, r.Header.Get("HX-Redirect"))
		}
	})
}

func TestCSRF(t *testing.T) {
	s := newShop(t)
	c, _ := s.signedIn()
	valid := func() url.Values {
		return url.Values{"name": {"Lamp"}, "price": {"10"}, "_csrf": {c.csrf}}
	}
	t.Run("HeaderToken", func(t *testing.T) {
		form := valid()
		form.Del("_csrf")
		r := c.do(http.MethodPost, "/products", form, http.Header{"X-Csrf-Token": {c.csrf}, "Hx-Request": {"true"}})
		if r.StatusCode != http.StatusNoContent || !strings.HasPrefix(r.Header.Get("HX-Redirect"), "/products/") {
			t.Fatalf("htmx create: %d HX-Redirect %q", r.StatusCode, r.Header.Get("HX-Redirect"))
		}
	})
	t.Run("CrossSiteRefused", func(t *testing.T) {
		for _, h := range []http.Header{
			{"Sec-Fetch-Site": {"cross-site"}},
			{"Sec-Fetch-Site": {"same-site"}},
			{"Origin": {"https://evil.example"}},
			{"Origin": {"null"}},
		} {
			if r := c.do(http.MethodPost, "/products", valid(), h); r.StatusCode != http.StatusForbidden {
				t.Fatalf("%v: status %d, want 403", h, r.StatusCode)
			}
		}
		r := c.do(http.MethodPost, "/products", valid(), http.Header{"Origin": {"https://shop.test"}, "Sec-Fetch-Site": {"same-origin"}})
		expectStatus(t, r, http.StatusSeeOther)
	})
	t.Run("LoginNeedsToken", func(t *testing.T) {
		g := s.client()
		r := g.do(http.MethodPost, "/login", url.Values{"email": {"a@example.com"}, "password": {testPassword}}, nil)
		expectStatus(t, r, http.StatusForbidden)
	})
}

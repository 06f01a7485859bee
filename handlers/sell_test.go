package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSell(t *testing.T) {
	s := newShop(t)

	t.Run("GuestIsSentToLogin", func(t *testing.T) {
		g := s.client()
		expectRedirect(t, g.get("/products/new"), http.StatusSeeOther, "/login")
		expectRedirect(t, g.get("/account"), http.StatusSeeOther, "/login")
	})

	c, email := s.signedIn()

	t.Run("Form", func(t *testing.T) {
		resp := c.get("/products/new")
		expectStatus(t, resp, http.StatusOK)
		doc := resp.doc(t)
		for _, f := range []string{"name", "description", "price"} {
			if doc.Find(`label[for="`+f+`"]`).Length() != 1 || doc.Find(`#`+f+`[name="`+f+`"]`).Length() != 1 {
				t.Fatalf("field %s lacks its label or control", f)
			}
		}
		if tok, _ := doc.Find(`form[action="/products"] input[name="_csrf"]`).Attr("value"); tok == "" || tok != c.csrf {
			t.Fatal("form lacks the CSRF token")
		}
	})

	t.Run("ErrInvalidKeepsValues", func(t *testing.T) {
		long := strings.Repeat("d", 5001)
		resp := c.post("/products", url.Values{"name": {"  "}, "description": {long}, "price": {"12.345"}})
		expectStatus(t, resp, http.StatusUnprocessableEntity)
		doc := resp.doc(t)
		for _, f := range []string{"name", "description", "price"} {
			if doc.Find("#"+f+"-error").Text() == "" {
				t.Errorf("no message beside %s", f)
			}
		}
		if v, _ := doc.Find("#price").Attr("value"); v != "12.345" {
			t.Errorf("price not kept: %q", v)
		}
		if doc.Find("#description").Text() != long {
			t.Error("description not kept")
		}
		resp = c.post("/products", url.Values{"name": {"Kept name"}, "price": {"0"}})
		if v, _ := resp.doc(t).Find("#name").Attr("value"); v != "Kept name" {
			t.Errorf("name not kept: %q", v)
		}
	})

	t.Run("CreateShowsProduct", func(t *testing.T) {
		resp := c.post("/products", url.Values{"name": {"Oak stool"}, "description": {"Three legs.\nSturdy."}, "price": {"89.90"}})
		expectStatus(t, resp, http.StatusSeeOther)
		loc := resp.Header.Get("Location")
		if !strings.HasPrefix(loc, "/products/") {
			t.Fatalf("Location %q", loc)
		}
		page := c.get(loc)
		expectStatus(t, page, http.StatusOK)
		if page.doc(t).Find("h1").Text() != "Oak stool" || !strings.Contains(page.body, "89.90") || !strings.Contains(page.body, "Your product is live.") {
			t.Fatalf("product page:\n%.1500s", page.body)
		}
		if !strings.Contains(s.client().get("/products").body, "Oak stool") {
			t.Fatal("new product missing from the public list")
		}
	})

	t.Run("Account", func(t *testing.T) {
		resp := c.get("/account")
		expectStatus(t, resp, http.StatusOK)
		doc := resp.doc(t)
		if doc.Find(`[data-testid="account-email"]`).Text() != email {
			t.Fatal("account page lacks the email")
		}
		if !strings.Contains(doc.Find("main").Text(), "Member since") || doc.Find("main time").Length() == 0 {
			t.Fatal("account page lacks the member-since date")
		}
		if doc.Find(`main a[href="/products/new"]`).Length() == 0 || !strings.Contains(doc.Find("main").Text(), "Oak stool") {
			t.Fatal("account page lacks the create link or the user's products")
		}
	})

	t.Run("SignedInPagesAreNotCached", func(t *testing.T) {
		for _, path := range []string{"/account", "/products", "/products/new"} {
			resp := c.get(path)
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: Cache-Control %q", path, resp.Header.Get("Cache-Control"))
			}
			if resp.doc(t).Find(`[hx-history="false"]`).Length() == 0 {
				t.Errorf("%s: htmx history cache not disabled", path)
			}
			nav := resp.doc(t).Find("nav#nav")
			logout := nav.Find(`form[action="/logout"][method="post"]`)
			if nav.Find(`[data-testid="nav-user"]`).Text() != email || logout.Length() != 1 {
				t.Fatalf("%s: signed-in nav wrong", path)
			}
			if _, ok := logout.Attr("hx-post"); !ok {
				t.Fatalf("%s: logout button does not use htmx", path)
			}
			for _, href := range []string{"/account", "/products/new"} {
				if nav.Find(`a[href="`+href+`"]`).Length() != 1 {
					t.Fatalf("%s: nav lacks %s", path, href)
				}
			}
		}
	})
}

func TestUsersSeeOnlyTheirOwnAccount(t *testing.T) {
	s := newShop(t)
	alice, aliceEmail := s.signedIn()
	bob, bobEmail := s.signedIn()
	alice.post("/products", url.Values{"name": {"Kettle of Alice"}, "price": {"30"}})
	bob.post("/products", url.Values{"name": {"Teapot of Bob"}, "price": {"25"}})

	a, b := alice.get("/account").body, bob.get("/account").body
	if !strings.Contains(a, aliceEmail) || strings.Contains(a, bobEmail) || strings.Contains(a, "Teapot of Bob") {
		t.Fatal("Alice's account shows Bob's data or lacks hers")
	}
	if !strings.Contains(b, bobEmail) || strings.Contains(b, aliceEmail) || strings.Contains(b, "Kettle of Alice") {
		t.Fatal("Bob's account shows Alice's data or lacks his")
	}
}

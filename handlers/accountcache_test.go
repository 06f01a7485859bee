package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/models"
)

// accountRows is what each row of the seller's dashboard says (name, status,
// price, sales: its text, squeezed), newest first, and the store line.
func accountRows(t *testing.T, c *client) (rows []string, store string) {
	t.Helper()
	resp := c.get("/account")
	expectStatus(t, resp, http.StatusOK)
	doc := resp.doc(t)
	doc.Find(`[data-testid="dashboard-row"]`).Each(func(_ int, row *goquery.Selection) {
		text := strings.TrimSpace(row.Find("a.link").First().Text()) + " | " + strings.Join(strings.Fields(row.Text()), " ")
		if img, ok := row.Find("img").Attr("src"); ok {
			text += " img:" + img
		}
		rows = append(rows, text)
	})
	return rows, strings.TrimSpace(doc.Find(`[data-testid="dashboard-store"]`).Text())
}

// The account page is served from the cache while nothing the seller wrote
// changed: a product renamed in the database by hand (which no write of the
// app does, so its version stays) is not seen; the next write through the app,
// on any instance, shows both at once.
func TestAccountPageIsCachedUntilTheSellerWrites(t *testing.T) {
	a, b := twinShops(t)
	seller, _ := a.signedIn()
	mug := seller.createProduct("Mug", "12.50", models.ProductPublished)
	onB := seller.on(b)
	if rows, _ := accountRows(t, onB); len(rows) != 1 || !strings.HasPrefix(rows[0], "Mug |") {
		t.Fatalf("dashboard rows %q", rows)
	}
	if _, err := b.db.NewUpdate().Table("products").Set("name = ?", "Mug (by hand)").Where("id = ?", mug).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	if rows, _ := accountRows(t, onB); len(rows) != 1 || !strings.HasPrefix(rows[0], "Mug |") {
		t.Fatalf("the second request was not served from the cache: %q", rows)
	}
	seller.createProduct("Bowl", "20", models.ProductDraft)
	rows, _ := accountRows(t, onB)
	if len(rows) != 2 || !strings.HasPrefix(rows[0], "Bowl |") || !strings.HasPrefix(rows[1], "Mug (by hand) |") {
		t.Fatalf("after a write through instance A, B's dashboard shows %q", rows)
	}
}

// Every kind of write the dashboard shows, made through one instance, is on
// the page at once on another that had the page cached.
func TestAccountPageShowsEveryWriteAtOnce(t *testing.T) {
	a, b := twinShops(t)
	seller, _ := a.signedIn()
	onB := seller.on(b)
	mug := seller.createProduct("Mug", "12.50", models.ProductPublished)
	p := "/products/" + strconv.FormatInt(mug, 10)
	accountRows(t, onB) // cached

	step := func(what string, write func(), check func(rows []string, store string) bool) {
		t.Helper()
		accountRows(t, onB) // the page as it is, cached on B
		write()
		if rows, store := accountRows(t, onB); !check(rows, store) {
			t.Fatalf("after %s, the dashboard shows %q (store %q)", what, rows, store)
		}
	}
	has := func(s string) func([]string, string) bool {
		return func(rows []string, _ string) bool { return len(rows) == 1 && strings.Contains(rows[0], s) }
	}
	step("an edit", func() {
		seller.get(p + "/edit")
		expectStatus(t, seller.post(p, url.Values{"name": {"Big mug"}, "price": {"14.00"}}), http.StatusSeeOther)
	}, has("Big mug"))
	step("unpublishing", func() { expectStatus(t, seller.post(p+"/unpublish", url.Values{}), http.StatusSeeOther) }, has("Draft"))
	step("publishing", func() { expectStatus(t, seller.post(p+"/publish", url.Values{}), http.StatusSeeOther) }, has("Published"))
	step("adding a picture", func() {
		seller.get(p + "/edit")
		expectStatus(t, seller.postFiles(p+"/images", map[string][]byte{"a.png": testPNG(t, 120, 80)}, nil), http.StatusSeeOther)
	}, has("img:/media/"))
	var image string
	if err := a.db.NewRaw("SELECT id FROM product_images WHERE product_id = ?", mug).Scan(context.Background(), &image); err != nil {
		t.Fatal(err)
	}
	step("deleting the picture", func() {
		expectStatus(t, seller.post(p+"/images/"+image+"/delete", url.Values{}), http.StatusSeeOther)
	}, func(rows []string, _ string) bool { return len(rows) == 1 && !strings.Contains(rows[0], "img:") })
	step("a store edit", func() {
		seller.get("/account/store")
		expectStatus(t, seller.post("/account/store", url.Values{"name": {"Mug house"}, "slug": {"mug-house"}}), http.StatusSeeOther)
	}, func(_ []string, store string) bool { return store == "Mug house" })
	step("a sale", func() {
		buyer, _ := a.signedIn()
		buyer.get("/products/" + strconv.FormatInt(mug, 10))
		expectStatus(t, buyer.post("/cart/items", addForm(mug, "2")), http.StatusSeeOther)
		id := checkoutToPay(t, buyer)
		expectStatus(t, buyer.post("/orders/"+id+"/pay", url.Values{"action": {"pay"}}), http.StatusSeeOther)
	}, has("2 sold · $28.00 revenue"))
	step("deleting the product", func() { expectStatus(t, seller.post(p+"/delete", url.Values{}), http.StatusSeeOther) },
		func(rows []string, _ string) bool { return len(rows) == 0 })
}

// Two sellers on the same instances never see each other's dashboard, cached
// or not, and each page carries its own session's CSRF token (in the meta tag
// and in every form of the cached content), never another's or a placeholder.
func TestAccountPageIsTheSellersOwn(t *testing.T) {
	a, b := twinShops(t)
	alice, aliceEmail := a.signedIn()
	bob, bobEmail := b.signedIn()
	alice.createProduct("Alice vase", "30", models.ProductPublished)
	bob.createProduct("Bob bowl", "10", models.ProductPublished)
	// A second session of Alice's: same page, another token.
	alice2 := a.secondSession(aliceEmail)
	alice2.get("/products")
	// Each session's token, from a page the account cache has no part in.
	tokens := map[string]string{}
	for name, c := range map[string]*client{"alice": alice, "alice2": alice2, "bob": bob} {
		c.get("/products")
		if c.csrf == "" {
			t.Fatalf("%s has no token", name)
		}
		tokens[name] = c.csrf
	}
	if tokens["alice"] == tokens["alice2"] || tokens["alice"] == tokens["bob"] || tokens["alice2"] == tokens["bob"] {
		t.Fatalf("sessions share a token: %v", tokens)
	}

	for round := 0; round < 3; round++ { // the later rounds are served from the caches
		for _, s := range []*shop{a, b} {
			for _, v := range []struct {
				c                  *client
				token              string
				email, mine, other string
				otherEmail         string
			}{
				{alice.on(s), tokens["alice"], aliceEmail, "Alice vase", "Bob bowl", bobEmail},
				{alice2.on(s), tokens["alice2"], aliceEmail, "Alice vase", "Bob bowl", bobEmail},
				{bob.on(s), tokens["bob"], bobEmail, "Bob bowl", "Alice vase", aliceEmail},
			} {
				resp := v.c.get("/account")
				expectStatus(t, resp, http.StatusOK)
				doc := resp.doc(t)
				if got := strings.TrimSpace(doc.Find(`[data-testid="account-email"]`).Text()); got != v.email {
					t.Fatalf("%s's account page names %q", v.email, got)
				}
				body := resp.body
				if !strings.Contains(body, v.mine) || strings.Contains(body, v.other) || strings.Contains(body, v.otherEmail) {
					t.Fatalf("%s's account page shows another seller's dashboard:\n%.2000s", v.email, body)
				}
				if tok, _ := doc.Find(`meta[name="csrf-token"]`).Attr("content"); tok != v.token {
					t.Fatalf("%s's page has the meta token %q, want the session's %q", v.email, tok, v.token)
				}
				inputs := doc.Find(`input[name="_csrf"]`)
				if inputs.Length() < 2 { // a row's form and "Log out everywhere"
					t.Fatalf("%s's page has %d token fields", v.email, inputs.Length())
				}
				inputs.Each(func(_ int, in *goquery.Selection) {
					if val, _ := in.Attr("value"); val != v.token {
						t.Fatalf("%s's page has a form with the token %q, want the session's %q", v.email, val, v.token)
					}
				})
			}
		}
	}
	// Two accounts that never wrote anything have the same dashboard version
	// (the first): the user's id keeps their pages apart.
	carol, carolEmail := a.signedIn()
	dave, daveEmail := a.signedIn()
	for round := 0; round < 2; round++ {
		for c, email := range map[*client]string{carol: carolEmail, dave: daveEmail} {
			resp := c.get("/account")
			expectStatus(t, resp, http.StatusOK)
			if got := strings.TrimSpace(resp.doc(t).Find(`[data-testid="account-email"]`).Text()); got != email {
				t.Fatalf("%s's account page names %q", email, got)
			}
		}
	}

	// The tokens work: Alice's second session logs out everywhere from the
	// (cached) page's form.
	resp := alice2.on(b).post("/logout/everywhere", url.Values{})
	expectStatus(t, resp, http.StatusSeeOther)
}

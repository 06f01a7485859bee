package handlers_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

func TestStores(t *testing.T) {
	s := newShop(t)
	seller, _ := s.signedIn()
	guest := s.client()

	t.Run("FirstProductAsksForStore", func(t *testing.T) {
		doc := seller.get("/products/new").doc(t)
		name, _ := doc.Find("#store_name").Attr("value")
		slug, _ := doc.Find("#store_slug").Attr("value")
		if name == "" || !models.IsSlugShaped(slug) || doc.Find(`label[for="store_slug"]`).Length() != 1 {
			t.Fatalf("store fields: name %q slug %q", name, slug)
		}
		r := seller.post("/products", url.Values{"name": {"Linen towel"}, "price": {"14"}, "status": {"published"},
			"store_name": {"Linen & Co"}, "store_slug": {"admin"}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		d := r.doc(t)
		if d.Find("#store_slug-error").Text() == "" {
			t.Fatal("reserved slug accepted")
		}
		if v, _ := d.Find("#store_slug").Attr("value"); v != "admin" {
			t.Fatalf("slug not kept: %q", v)
		}
		r = seller.post("/products", url.Values{"name": {"Linen towel"}, "price": {"14"}, "status": {"published"},
			"store_name": {"Linen & Co"}, "store_slug": {"linen-co-" + strconv.FormatInt(int64(len(name)), 10) + slug[:3]}})
		expectStatus(t, r, http.StatusSeeOther)
		if seller.get("/products/new").doc(t).Find("#store_slug").Length() != 0 {
			t.Fatal("a seller with a store is asked for one again")
		}
	})

	var slug string
	t.Run("StorePage", func(t *testing.T) {
		doc := seller.get("/account/store").doc(t)
		slug, _ = doc.Find("#slug").Attr("value")
		seller.createProduct("Secret draft", "5", models.ProductDraft)
		r := guest.get("/stores/" + slug)
		expectStatus(t, r, http.StatusOK)
		d := r.doc(t)
		if d.Find(`[data-testid="store-name"]`).Text() != "Linen & Co" || !strings.Contains(r.body, "Linen towel") {
			t.Fatalf("store page:\n%.2000s", r.body)
		}
		if strings.Contains(r.body, "Secret draft") {
			t.Fatal("a draft is on the store page")
		}
		expectStatus(t, guest.get("/stores/no-such-store"), http.StatusNotFound)
		// Cards and product pages name the store, linking to it.
		list := guest.get("/products").doc(t)
		if href, _ := list.Find(`[data-testid="store-link"]`).First().Attr("href"); href != "/stores/"+slug {
			t.Fatalf("card's store link %q", href)
		}
	})

	t.Run("SettingsGuest", func(t *testing.T) {
		expectRedirect(t, guest.get("/account/store"), http.StatusSeeOther, "/login")
		expectStatus(t, guest.post("/account/store", url.Values{"name": {"X"}, "slug": {"xyz"}}), http.StatusForbidden)
	})

	t.Run("SettingsInvalidKeepsValues", func(t *testing.T) {
		seller.get("/account/store")
		r := seller.post("/account/store", url.Values{"name": {""}, "slug": {"a!"}, "bio": {"Hand-woven.\nIn Lisbon."}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		d := r.doc(t)
		if d.Find("#name-error").Text() == "" || d.Find("#slug-error").Text() == "" {
			t.Fatal("no messages")
		}
		if v, _ := d.Find("#slug").Attr("value"); v != "a!" || d.Find("#bio").Text() != "Hand-woven.\nIn Lisbon." {
			t.Fatalf("values not kept: %q", v)
		}
	})

	t.Run("SlugChangeRedirects", func(t *testing.T) {
		newSlug := "woven-" + slug[len(slug)-4:]
		seller.get("/account/store")
		r := seller.post("/account/store", url.Values{"name": {"Woven"}, "slug": {newSlug}, "bio": {"Hand-woven.\nIn Lisbon."}})
		expectRedirect(t, r, http.StatusSeeOther, "/stores/"+newSlug)
		expectRedirect(t, guest.get("/stores/"+slug), http.StatusMovedPermanently, "/stores/"+newSlug)
		expectRedirect(t, guest.get("/stores/"+slug+"?page=2"), http.StatusMovedPermanently, "/stores/"+newSlug+"?page=2")
		page := guest.get("/stores/" + newSlug)
		expectStatus(t, page, http.StatusOK)
		if page.doc(t).Find(`[data-testid="store-bio"]`).Text() != "Hand-woven.\nIn Lisbon." {
			t.Fatal("bio lost its line break")
		}
		// Product cards follow at once (the catalogue version moved).
		if href, _ := guest.get("/products").doc(t).Find(`[data-testid="store-link"]`).First().Attr("href"); href != "/stores/"+newSlug {
			t.Fatalf("card still links %q", href)
		}
		// Another seller cannot take the old slug.
		other, _ := s.signedIn()
		other.get("/account/store")
		r = other.post("/account/store", url.Values{"name": {"Mine"}, "slug": {slug}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		if r.doc(t).Find("#slug-error").Text() != models.SlugTaken {
			t.Fatal("old slug not reserved")
		}
	})
}

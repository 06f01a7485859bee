package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Each product and each list page has one address: other spellings of the same
// id or page number, a trailing slash or other letter case are 404s, never
// copies of the page (which search engines and caches would keep twice).
func TestOneAddressPerPage(t *testing.T) {
	s := newShop(t)
	products := s.seedProducts(15) // two list pages
	id := strconv.FormatInt(products[0].ID, 10)
	guest := s.client()

	for _, path := range []string{"/", "/products", "/products?page=1", "/products?page=2", "/products/" + id, "/products/" + id + "?ref=x"} {
		expectStatus(t, guest.get(path), http.StatusOK)
	}
	for _, path := range []string{
		"/products/0" + id, "/products/00" + id, "/products/+" + id, "/products/" + id + "/", "/Products/" + id,
		"/products/%2B" + id, "/products/" + id + "%20",
		"/products?page=", "/products?page=abc", "/products?page=0", "/products?page=-1", "/products?page=01",
		"/products?page=+2", "/products?page=2.0", "/products?page=%202", "/products?page=100001", "/products?page=3",
		"/?page=x", "/products/", "/login/",
	} {
		r := guest.get(path)
		expectStatus(t, r, http.StatusNotFound)
		if !strings.Contains(r.body, "Error 404") {
			t.Fatalf("%s: not the 404 page:\n%.500s", path, r.body)
		}
	}
}

// The list's pages have titles of their own; the home page names the shop.
func TestListPageTitles(t *testing.T) {
	s := newShop(t)
	s.seedProducts(15)
	guest := s.client()
	for path, want := range map[string]string{
		"/":                "Storefront – things made by independent sellers",
		"/products":        "Products · Storefront",
		"/products?page=2": "Products – page 2 · Storefront",
	} {
		for round := range 2 { // rendered, then from the page cache
			r := guest.get(path)
			expectStatus(t, r, http.StatusOK)
			if got := r.doc(t).Find("title").Text(); got != want {
				t.Fatalf("%s (round %d): title %q, want %q", path, round, got, want)
			}
		}
	}
}

package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

// A store's header counts its products on sale (never drafts); a store with
// none says so and points to the other sellers' products.
func TestStorePageCountsProductsAndHasAnEmptyState(t *testing.T) {
	s := publicShop(t)
	seller := s.sellerWithStore("pots")
	s.insertProduct(models.Product{SellerID: seller, Name: "Pot", PriceCents: 100})
	s.insertProduct(models.Product{SellerID: seller, Name: "Vase", PriceCents: 100})
	s.insertProduct(models.Product{SellerID: seller, Name: "Draft jug", PriceCents: 100, Status: models.ProductDraft})
	r := s.client().get("/stores/pots")
	expectStatus(t, r, http.StatusOK)
	if got := strings.TrimSpace(r.doc(t).Find(`[data-testid="store-count"]`).Text()); got != "2 products" {
		t.Errorf("store count %q, want 2 products", got)
	}

	s.sellerWithStore("empty-shelf")
	doc := s.client().get("/stores/empty-shelf").doc(t)
	if got := strings.TrimSpace(doc.Find(`[data-testid="store-count"]`).Text()); got != "0 products" {
		t.Errorf("empty store count %q", got)
	}
	empty := doc.Find(`[data-testid="store-empty"]`)
	if href, _ := empty.Find("a").Attr("href"); href != "/products" {
		t.Errorf("empty store's next step links to %q, want /products", href)
	}
}

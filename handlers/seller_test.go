package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

// createProduct lists a product through the form and returns its id.
func (c *client) createProduct(name, price string, status models.ProductStatus) int64 {
	t := c.shop.t
	t.Helper()
	c.get("/products/new")
	form := url.Values{"name": {name}, "price": {price}, "status": {string(status)}}
	resp := c.post("/products", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create %q: status %d\n%.2000s", name, resp.StatusCode, resp.body)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(resp.Header.Get("Location"), "/products/"), 10, 64)
	if err != nil {
		t.Fatalf("Location %q", resp.Header.Get("Location"))
	}
	return id
}

// storedProduct reads the product's row as it is, deleted or not.
func (s *shop) storedProduct(id int64) models.Product {
	s.t.Helper()
	var p models.Product
	if err := s.db.NewSelect().Model(&p).Where("id = ?", id).Scan(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// postFiles sends a multipart upload of files (name → bytes) in field "image".
func (c *client) postFiles(target string, files map[string][]byte, header http.Header) *response {
	c.shop.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", c.csrf)
	for name, data := range files {
		part, err := w.CreateFormFile("image", name)
		if err != nil {
			c.shop.t.Fatal(err)
		}
		part.Write(data)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, "https://shop.test"+target, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, v := range header {
		req.Header[k] = v
	}
	return c.send(req)
}

// Every seller route × owner / other seller / guest: another seller's product
// is a 404 and nothing changes; a guest's GET goes to login, a guest's POST is
// refused (403) and nothing changes.
func TestSellerRoutesOwnership(t *testing.T) {
	s := newShop(t)
	owner, _ := s.signedIn()
	other, _ := s.signedIn()
	other.createProduct("Bob's own", "3", models.ProductPublished) // other is a seller too
	guest := s.client()
	id := owner.createProduct("Alice's lamp", "40", models.ProductDraft)
	p := "/products/" + strconv.FormatInt(id, 10)

	t.Run("GetEdit", func(t *testing.T) {
		expectStatus(t, owner.get(p+"/edit"), http.StatusOK)
		expectStatus(t, other.get(p+"/edit"), http.StatusNotFound)
		expectRedirect(t, guest.get(p+"/edit"), http.StatusSeeOther, "/login")
	})

	t.Run("DraftPage", func(t *testing.T) {
		r := owner.get(p)
		expectStatus(t, r, http.StatusOK)
		if !strings.Contains(r.doc(t).Find(`[data-testid="draft-notice"]`).Text(), "Draft – only you can see this") {
			t.Fatalf("owner's draft page lacks the notice:\n%.2000s", r.body)
		}
		expectStatus(t, other.get(p), http.StatusNotFound)
		expectStatus(t, guest.get(p), http.StatusNotFound)
		for _, c := range []*client{owner, other, guest} {
			if strings.Contains(c.get("/products").body, "Alice&#39;s lamp") || strings.Contains(c.get("/products").body, "Alice's lamp") {
				t.Fatal("a draft is in the public list")
			}
		}
	})

	before := s.storedProduct(id)
	unchanged := func(t *testing.T, what string) {
		t.Helper()
		after := s.storedProduct(id)
		if after.Name != before.Name || after.Status != before.Status || after.PriceCents != before.PriceCents ||
			after.IsDeleted() || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("%s changed the product: %+v -> %+v", what, before, after)
		}
		images, err := s.db.NewSelect().Table("product_images").Where("product_id = ?", id).Count(context.Background())
		if err != nil || images != 0 {
			t.Fatalf("%s: %d images (%v)", what, images, err)
		}
	}
	posts := map[string]url.Values{
		p:                      {"name": {"Hijacked"}, "price": {"1"}, "status": {"published"}},
		p + "/publish":         nil,
		p + "/unpublish":       nil,
		p + "/delete":          nil,
		p + "/images/order":    {"image": {"1"}},
		p + "/images/1/alt":    {"alt_1": {"Hijacked"}},
		p + "/images/1/delete": nil,
	}
	png := testPNG(t, 40, 30)
	t.Run("OtherSeller404", func(t *testing.T) {
		for target, form := range posts {
			other.get("/account")
			expectStatus(t, other.post(target, form), http.StatusNotFound)
			unchanged(t, "another seller's POST "+target)
		}
		other.get("/account")
		expectStatus(t, other.postFiles(p+"/images", map[string][]byte{"a.png": png}, nil), http.StatusNotFound)
		unchanged(t, "another seller's upload")
	})
	t.Run("Guest403", func(t *testing.T) {
		for target, form := range posts {
			expectStatus(t, guest.post(target, form), http.StatusForbidden)
			unchanged(t, "a guest's POST "+target)
		}
		expectStatus(t, guest.postFiles(p+"/images", map[string][]byte{"a.png": png}, nil), http.StatusForbidden)
		unchanged(t, "a guest's upload")
	})
	t.Run("UnknownProduct404", func(t *testing.T) {
		expectStatus(t, owner.get("/products/999999/edit"), http.StatusNotFound)
		expectStatus(t, owner.post("/products/999999/publish", nil), http.StatusNotFound)
	})
}

// The owner's actions, each a plain form ending in 303 and a flash, and each
// seen at once on the public pages (the catalogue version moves).
func TestSellerProductLifecycle(t *testing.T) {
	s := newShop(t)
	owner, _ := s.signedIn()
	guest := s.client()
	id := owner.createProduct("Walnut bowl", "25", models.ProductPublished)
	p := "/products/" + strconv.FormatInt(id, 10)
	// Warm the caches, as visitors would.
	if !strings.Contains(guest.get("/products").body, "Walnut bowl") || guest.get(p).StatusCode != http.StatusOK {
		t.Fatal("new product not public")
	}

	t.Run("EditForm", func(t *testing.T) {
		doc := owner.get(p + "/edit").doc(t)
		if v, _ := doc.Find("#name").Attr("value"); v != "Walnut bowl" {
			t.Fatalf("name %q", v)
		}
		if v, _ := doc.Find("#price").Attr("value"); v != "25.00" {
			t.Fatalf("price %q", v)
		}
		for _, f := range []string{"name", "description", "price", "image"} {
			if doc.Find(`label[for="`+f+`"]`).Length() != 1 {
				t.Errorf("field %s has no label", f)
			}
		}
	})

	t.Run("InvalidEditKeepsValues", func(t *testing.T) {
		r := owner.post(p, url.Values{"name": {"Walnut bowl, large"}, "price": {"12.345"}, "description": {"Oiled."}})
		expectStatus(t, r, http.StatusUnprocessableEntity)
		doc := r.doc(t)
		if doc.Find("#price-error").Text() == "" {
			t.Fatal("no price message")
		}
		if v, _ := doc.Find("#name").Attr("value"); v != "Walnut bowl, large" {
			t.Fatalf("name not kept: %q", v)
		}
		if v, _ := doc.Find("#price").Attr("value"); v != "12.345" || doc.Find("#description").Text() != "Oiled." {
			t.Fatalf("values not kept: %q", v)
		}
		if s.storedProduct(id).Name != "Walnut bowl" {
			t.Fatal("an invalid edit changed the product")
		}
	})

	t.Run("EditShowsAtOnce", func(t *testing.T) {
		r := owner.post(p, url.Values{"name": {"Walnut bowl, large"}, "price": {"31.50"}})
		expectRedirect(t, r, http.StatusSeeOther, p)
		if !strings.Contains(owner.get(p).body, "Your changes are saved.") {
			t.Fatal("no flash after saving")
		}
		page := guest.get(p)
		if productName(t, page) != "Walnut bowl, large" || !strings.Contains(page.body, "$31.50") {
			t.Fatal("product page shows the old product")
		}
		if !strings.Contains(guest.get("/products").body, "Walnut bowl, large") {
			t.Fatal("list shows the old name")
		}
	})

	t.Run("UnpublishHidesAtOnce", func(t *testing.T) {
		expectRedirect(t, owner.post(p+"/unpublish", nil), http.StatusSeeOther, p)
		expectStatus(t, guest.get(p), http.StatusNotFound)
		if strings.Contains(guest.get("/products").body, "Walnut bowl") {
			t.Fatal("a draft is still listed")
		}
		if r := owner.get(p); !strings.Contains(r.body, "Draft – only you can see this") || !strings.Contains(r.body, "only you can see it") {
			t.Fatalf("owner's page after unpublishing:\n%.1500s", r.body)
		}
	})

	t.Run("PublishShowsAtOnce", func(t *testing.T) {
		expectRedirect(t, owner.post(p+"/publish", nil), http.StatusSeeOther, p)
		expectStatus(t, guest.get(p), http.StatusOK)
		if !strings.Contains(guest.get("/products").body, "Walnut bowl") {
			t.Fatal("published product not listed")
		}
	})

	t.Run("DeleteHidesEverywhere", func(t *testing.T) {
		expectRedirect(t, owner.post(p+"/delete", nil), http.StatusSeeOther, "/account")
		if !strings.Contains(owner.get("/account").body, "Your product is deleted.") {
			t.Fatal("no flash after deleting")
		}
		for _, c := range []*client{owner, guest} {
			expectStatus(t, c.get(p), http.StatusNotFound)
			if strings.Contains(c.get("/products").body, "Walnut bowl") {
				t.Fatal("deleted product still listed")
			}
		}
		expectStatus(t, owner.get(p+"/edit"), http.StatusNotFound)
		if strings.Contains(owner.get("/account").doc(t).Find("#dashboard-products").Text(), "Walnut bowl") {
			t.Fatal("deleted product on the dashboard")
		}
		if !s.storedProduct(id).IsDeleted() {
			t.Fatal("row not kept as deleted")
		}
		expectStatus(t, owner.post(p+"/publish", nil), http.StatusNotFound)
	})
}

// The new-product form's "Save as draft" keeps a product to its seller.
func TestSaveAsDraft(t *testing.T) {
	s := newShop(t)
	c, _ := s.signedIn()
	doc := c.get("/products/new").doc(t)
	if doc.Find(`button[name="status"][value="draft"]`).Text() != "Save as draft" ||
		doc.Find(`button[name="status"][value="published"]`).Text() != "Publish" {
		t.Fatal("form lacks Publish / Save as draft")
	}
	id := c.createProduct("Sketchbook", "9", models.ProductDraft)
	if st := s.storedProduct(id).Status; st != models.ProductDraft {
		t.Fatalf("status %q", st)
	}
	if !strings.Contains(c.get("/products/"+strconv.FormatInt(id, 10)).body, "Saved as a draft") {
		t.Fatal("no draft flash")
	}
}

// From the dashboard, htmx changes the row in place: publishing toggles the
// badge, deleting removes the row; both say so in the flash region.
func TestDashboardActionsInPlace(t *testing.T) {
	s := newShop(t)
	c, _ := s.signedIn()
	draft := c.createProduct("Clay cup", "12", models.ProductDraft)
	live := c.createProduct("Clay plate", "18", models.ProductPublished)
	doc := c.get("/account").doc(t)
	if n := doc.Find(`[data-testid="dashboard-row"]`).Length(); n != 2 {
		t.Fatalf("%d rows", n)
	}
	if got := doc.Find(`[data-testid="product-counts"]`).Text(); got != "1 published · 1 drafts" {
		t.Fatalf("counts %q", got)
	}
	row := "product-row-" + strconv.FormatInt(draft, 10)
	publish := doc.Find("#" + row + ` button[hx-post$="/publish"]`)
	if publish.Length() != 1 || publish.AttrOr("formaction", "") == "" || publish.Closest("form").AttrOr("hx-target", "") != "#"+row {
		t.Fatal("draft row lacks its publish button (plain form and htmx)")
	}
	htmx := http.Header{"HX-Request": {"true"}, "HX-Target": {row}, "X-CSRF-Token": {c.csrf}}

	r := c.do(http.MethodPost, "/products/"+strconv.FormatInt(draft, 10)+"/publish", url.Values{}, htmx)
	expectStatus(t, r, http.StatusOK)
	d := r.doc(t)
	if d.Find("#"+row+` [data-testid="status"]`).Text() != "Published" || d.Find(`#flash[hx-swap-oob]`).Text() == "" {
		t.Fatalf("publish answer:\n%s", r.body)
	}
	if s.storedProduct(draft).Status != models.ProductPublished {
		t.Fatal("not published")
	}

	del := doc.Find("#product-row-" + strconv.FormatInt(live, 10) + ` button[hx-post$="/delete"]`)
	if del.AttrOr("hx-confirm", "") == "" {
		t.Fatal("delete asks for no confirmation")
	}
	htmx.Set("HX-Target", "product-row-"+strconv.FormatInt(live, 10))
	r = c.do(http.MethodPost, "/products/"+strconv.FormatInt(live, 10)+"/delete", url.Values{}, htmx)
	expectStatus(t, r, http.StatusOK)
	if r.doc(t).Find("li").Length() != 0 || !strings.Contains(r.body, "Your product is deleted.") {
		t.Fatalf("delete answer:\n%s", r.body)
	}
	if !s.storedProduct(live).IsDeleted() {
		t.Fatal("not deleted")
	}
}

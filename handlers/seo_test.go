package handlers_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/handlers"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// publicShop is a shop with a PUBLIC_URL and a currency of its own, so that
// absolute links and prices can be told from defaults.
func publicShop(t *testing.T) *shop {
	return newShop(t, func(d *handlers.Deps) {
		d.Config.PublicURL = "https://shop.example"
		d.Config.Currency = "EUR"
	})
}

// sellerWithStore inserts a seller with a store and returns the seller's id.
func (s *shop) sellerWithStore(slug string) int64 {
	s.t.Helper()
	ctx := context.Background()
	seller := &models.User{Email: uniqueEmail(), PasswordHash: "!", CreatedAt: time.Now()}
	if _, err := s.db.NewInsert().Model(seller).Returning("id").Exec(ctx); err != nil {
		s.t.Fatal(err)
	}
	store := &models.Store{UserID: seller.ID, Name: "Store " + slug, Slug: slug, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if _, err := s.db.NewInsert().Model(store).Returning("id").Exec(ctx); err != nil {
		s.t.Fatal(err)
	}
	return seller.ID
}

// insertProduct inserts a product of sellerID as given and returns its id.
func (s *shop) insertProduct(p models.Product) int64 {
	s.t.Helper()
	if p.CreatedAt.IsZero() {
		p.CreatedAt = time.Now()
	}
	if _, err := s.db.NewInsert().Model(&p).Returning("id").Exec(context.Background()); err != nil {
		s.t.Fatal(err)
	}
	return p.ID
}

func TestRobotsTxt(t *testing.T) {
	s := publicShop(t)
	r := s.client().get("/robots.txt")
	expectStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	for _, line := range []string{"User-agent: *", "Disallow: /account", "Disallow: /password/", "Sitemap: https://shop.example/sitemap.xml"} {
		if !strings.Contains(r.body, line+"\n") {
			t.Errorf("robots.txt lacks %q:\n%s", line, r.body)
		}
	}
	if strings.Contains(r.body, "Disallow: /\n") {
		t.Error("robots.txt shuts out the whole shop")
	}
}

func TestSitemapListsPublishedProductsAndStoresOnly(t *testing.T) {
	s := publicShop(t)
	seller := s.sellerWithStore("pots-and-pans")
	published := s.insertProduct(models.Product{SellerID: seller, Name: "Pan", PriceCents: 100})
	draft := s.insertProduct(models.Product{SellerID: seller, Name: "Draft pan", PriceCents: 100, Status: models.ProductDraft})
	deleted := s.insertProduct(models.Product{SellerID: seller, Name: "Gone pan", PriceCents: 100, DeletedAt: time.Now()})
	// A store whose only product is a draft has nothing to show: not listed.
	drafter := s.sellerWithStore("only-drafts")
	s.insertProduct(models.Product{SellerID: drafter, Name: "Secret", PriceCents: 100, Status: models.ProductDraft})

	locs := sitemapLocs(t, s.client().get("/sitemap.xml"))
	for _, want := range []string{
		"https://shop.example/", "https://shop.example/products",
		"https://shop.example/products/" + itoa(published), "https://shop.example/stores/pots-and-pans",
	} {
		if !locs[want] {
			t.Errorf("sitemap lacks %s: %v", want, locs)
		}
	}
	for _, unwanted := range []string{
		"https://shop.example/products/" + itoa(draft), "https://shop.example/products/" + itoa(deleted),
		"https://shop.example/stores/only-drafts",
	} {
		if locs[unwanted] {
			t.Errorf("sitemap lists %s", unwanted)
		}
	}

	// It follows changes at once: a newly published product is in the next one.
	later := s.insertProduct(models.Product{SellerID: seller, Name: "Lid", PriceCents: 100})
	if !sitemapLocs(t, s.client().get("/sitemap.xml"))["https://shop.example/products/"+itoa(later)] {
		t.Error("a new product is missing from the sitemap")
	}
}

func sitemapLocs(t *testing.T, r *response) map[string]bool {
	t.Helper()
	expectStatus(t, r, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "xml") {
		t.Errorf("Content-Type %q", ct)
	}
	var set struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(r.body), &set); err != nil {
		t.Fatalf("sitemap is not a urlset: %v\n%s", err, r.body)
	}
	locs := map[string]bool{}
	for _, u := range set.URLs {
		locs[u.Loc] = true
		if u.LastMod != "" {
			if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
				t.Errorf("lastmod %q: %v", u.LastMod, err)
			}
		}
	}
	return locs
}

func TestPageTitlesDescriptionsAndCanonicalLinks(t *testing.T) {
	s := publicShop(t)
	seller := s.sellerWithStore("lamps")
	id := s.insertProduct(models.Product{SellerID: seller, Name: "Desk lamp", Description: "A brass desk lamp\nwith a linen shade.", PriceCents: 4500})
	s.seedProducts(25) // two list pages

	for _, tc := range []struct {
		path, title, canonical, description string
	}{
		{"/", "Storefront – things made by independent sellers", "https://shop.example/", "independent sellers"},
		{"/?utm_source=x", "Storefront – things made by independent sellers", "https://shop.example/", "independent sellers"},
		{"/products", "Products · Storefront", "https://shop.example/products", "independent sellers"},
		{"/products?page=2", "Products – page 2 · Storefront", "https://shop.example/products?page=2", ""},
		{"/products/" + itoa(id), "Desk lamp · Storefront", "https://shop.example/products/" + itoa(id), "A brass desk lamp with a linen shade."},
		{"/login", "Log in · Storefront", "https://shop.example/login", "Log in"},
		{"/signup", "Sign up · Storefront", "https://shop.example/signup", "store"},
		{"/password/forgot", "", "https://shop.example/password/forgot", ""},
	} {
		doc := s.client().get(tc.path).doc(t)
		if got := doc.Find("head title").Text(); tc.title != "" && got != tc.title {
			t.Errorf("%s: title %q, want %q", tc.path, got, tc.title)
		}
		if n := doc.Find("head title").Length(); n != 1 {
			t.Errorf("%s: %d titles", tc.path, n)
		}
		if got, _ := doc.Find(`head link[rel="canonical"]`).Attr("href"); got != tc.canonical {
			t.Errorf("%s: canonical %q, want %q", tc.path, got, tc.canonical)
		}
		desc, ok := doc.Find(`head meta[name="description"]`).Attr("content")
		if !ok || len(desc) < 20 || !strings.Contains(desc, tc.description) {
			t.Errorf("%s: description %q, want one containing %q", tc.path, desc, tc.description)
		}
		if n := doc.Find("h1").Length(); n != 1 {
			t.Errorf("%s: %d h1 elements, want 1", tc.path, n)
		}
	}

	// Error pages say what they are and ask not to be listed.
	doc := s.client().get("/no-such-page").doc(t)
	if v, _ := doc.Find(`meta[name="robots"]`).Attr("content"); v != "noindex" {
		t.Errorf("404 page robots meta %q", v)
	}
	if doc.Find(`meta[name="robots"]`).Length() != 1 {
		t.Error("no robots meta on the 404 page")
	}
}

func TestNavMarksTheCurrentPage(t *testing.T) {
	s := publicShop(t)
	doc := s.client().get("/login").doc(t)
	cur := doc.Find(`nav#nav [aria-current="page"]`)
	if cur.Length() != 1 || strings.TrimSpace(cur.Text()) != "Log in" {
		t.Errorf("aria-current on %d elements (%q), want only Log in", cur.Length(), cur.Text())
	}
	c, _ := s.signedIn()
	cur = c.get("/account").doc(t).Find(`nav#nav [aria-current="page"]`)
	if cur.Length() != 1 || strings.TrimSpace(cur.Text()) != "Account" {
		t.Errorf("aria-current on %d elements (%q), want only Account", cur.Length(), cur.Text())
	}
	// The skip link is the first thing in the body and leads to the main content.
	first := c.get("/account").doc(t).Find("body a").First()
	if href, _ := first.Attr("href"); href != "#main" || !strings.Contains(first.Text(), "Skip") {
		t.Errorf("first link %q %q, want the skip link", href, first.Text())
	}
}

// jsonLD is the product page's schema.org data as a search engine reads it.
type jsonLD struct {
	Context string `json:"@context"`
	Type    string `json:"@type"`
	Name    string `json:"name"`
	URL     string `json:"url"`
	Image   string `json:"image"`
	Brand   struct {
		Name string `json:"name"`
	} `json:"brand"`
	Offers struct {
		Type          string `json:"@type"`
		Price         string `json:"price"`
		PriceCurrency string `json:"priceCurrency"`
		Availability  string `json:"availability"`
	} `json:"offers"`
}

func productJSONLD(t *testing.T, s *shop, id int64) (jsonLD, *response) {
	t.Helper()
	r := s.client().get("/products/" + itoa(id))
	expectStatus(t, r, http.StatusOK)
	scripts := r.doc(t).Find(`script[type="application/ld+json"]`)
	if scripts.Length() != 1 {
		t.Fatalf("%d JSON-LD blocks", scripts.Length())
	}
	var ld jsonLD
	if err := json.Unmarshal([]byte(scripts.Text()), &ld); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, scripts.Text())
	}
	return ld, r
}

func TestProductJSONLDAndOpenGraph(t *testing.T) {
	s := publicShop(t)
	seller := s.sellerWithStore("lights")
	zero := int64(0)
	inStock := s.insertProduct(models.Product{SellerID: seller, Name: "Floor lamp", PriceCents: 125050})
	soldOut := s.insertProduct(models.Product{SellerID: seller, Name: "Wall lamp", PriceCents: 905, Stock: &zero})

	ld, r := productJSONLD(t, s, inStock)
	want := jsonLD{Context: "https://schema.org", Type: "Product", Name: "Floor lamp", URL: "https://shop.example/products/" + itoa(inStock)}
	want.Brand.Name = "Store lights"
	want.Offers.Type, want.Offers.Price, want.Offers.PriceCurrency = "Offer", "1250.50", "EUR"
	want.Offers.Availability = "https://schema.org/InStock"
	if ld != want {
		t.Errorf("JSON-LD\n got %+v\nwant %+v", ld, want)
	}
	doc := r.doc(t)
	for prop, value := range map[string]string{
		"og:type": "product", "og:title": "Floor lamp · Storefront", "og:url": want.URL,
		"product:price:amount": "1250.50", "product:price:currency": "EUR",
	} {
		if got, _ := doc.Find(`meta[property="` + prop + `"]`).Attr("content"); got != value {
			t.Errorf("%s = %q, want %q", prop, got, value)
		}
	}
	if got, _ := doc.Find(`meta[name="twitter:card"]`).Attr("content"); got == "" {
		t.Error("no twitter:card")
	}

	ld, _ = productJSONLD(t, s, soldOut)
	if ld.Offers.Availability != "https://schema.org/OutOfStock" || ld.Offers.Price != "9.05" {
		t.Errorf("sold-out offer %+v", ld.Offers)
	}
}

// A product named to close the script element cannot: encoding/json writes
// < and > as \u003c and \u003e, and the name comes back intact.
func TestProductJSONLDEscapesItsText(t *testing.T) {
	s := publicShop(t)
	seller := s.sellerWithStore("evil")
	const evil = `</script><script>alert(1)</script> & "quotes"`
	id := s.insertProduct(models.Product{SellerID: seller, Name: evil, Description: evil, PriceCents: 100})
	ld, r := productJSONLD(t, s, id)
	if ld.Name != evil {
		t.Errorf("name came back as %q", ld.Name)
	}
	if strings.Contains(r.body, "<script>alert") || strings.Count(r.body, "</script>") != strings.Count(r.body, "<script") {
		t.Error("the product name broke out of the JSON-LD script")
	}
}

// Pages that exist only for the visitor carry no JSON-LD; every page keeps the
// CSP that forbids inline scripts (the JSON-LD block is data, not a script).
func TestNoInlineScripts(t *testing.T) {
	s := publicShop(t)
	for _, path := range []string{"/", "/login", "/signup"} {
		r := s.client().get(path)
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		r.doc(t).Find("script").Each(func(_ int, sc *goquery.Selection) {
			if _, ok := sc.Attr("src"); !ok {
				t.Errorf("%s: an inline script: %s", path, sc.Text())
			}
		})
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Prices show in the shop's CURRENCY everywhere a product's price is shown,
// and the price field's prefix and hint name it too.
func TestPricesInTheShopsCurrency(t *testing.T) {
	s := publicShop(t)
	id := s.insertProduct(models.Product{SellerID: s.sellerWithStore("euros"), Name: "Desk lamp", PriceCents: 125050})
	if got := s.client().get(paths.Product(id)).doc(t).Find(`[data-testid="price"]`).Text(); got != "€1,250.50" {
		t.Errorf("product page price %q, want €1,250.50", got)
	}
	if body := s.client().get(paths.Products).body; !strings.Contains(body, "€1,250.50") || strings.Contains(body, "$1,250.50") {
		t.Errorf("list page does not show the price in euros")
	}
	seller, _ := s.signedIn()
	form := seller.get(paths.NewProduct).doc(t)
	if hint := form.Find("#price-hint").Text(); !strings.Contains(hint, "EUR") {
		t.Errorf("price hint %q does not name EUR", hint)
	}
	if prefix := strings.TrimSpace(form.Find("#price").Parent().Find("span").Text()); prefix != "€" {
		t.Errorf("price prefix %q, want €", prefix)
	}
}

// The home page shows a few stores with public products, the most recently
// active first; a store with only drafts is not among them, and /products
// (the same products) shows no stores.
func TestHomeShowsRecentStores(t *testing.T) {
	s := publicShop(t)
	older, newer, drafts := s.sellerWithStore("older"), s.sellerWithStore("newer"), s.sellerWithStore("drafts")
	s.insertProduct(models.Product{SellerID: older, Name: "Old lamp", PriceCents: 100})
	s.insertProduct(models.Product{SellerID: newer, Name: "New lamp", PriceCents: 100})
	s.insertProduct(models.Product{SellerID: drafts, Name: "Hidden lamp", PriceCents: 100, Status: models.ProductDraft})
	var got []string
	s.client().get(paths.Home).doc(t).Find(`[data-testid="home-store"]`).Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		got = append(got, a.Text()+" "+href)
	})
	want := []string{"Store newer /stores/newer", "Store older /stores/older"}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("home page stores %q, want %q", got, want)
	}
	if n := s.client().get(paths.Products).doc(t).Find(`[data-testid="home-store"]`).Length(); n != 0 {
		t.Errorf("/products shows %d stores, want none", n)
	}
}

// coverImage is a stored picture's row data as the image pipeline writes it:
// three variants, largest first.
func coverImage(alt string) models.Image {
	return models.Image{Alt: alt, Width: 1600, Height: 1200, Variants: models.ImageVariants{
		{Key: "big.webp", Width: 1600, Height: 1200},
		{Key: "mid.webp", Width: 800, Height: 600},
		{Key: "small.webp", Width: 400, Height: 300},
	}}
}

// metaContent is the content of the head's <meta> with that property or name.
func metaContent(doc *goquery.Document, key string) (string, bool) {
	return doc.Find(`meta[property="` + key + `"], meta[name="` + key + `"]`).Attr("content")
}

// Link previews of a product and its store show the cover as an absolute
// PUBLIC_URL link with its size and description (escaped like any attribute);
// without a picture there is none, and the card is the small one.
func TestSocialImageOfProductsAndStores(t *testing.T) {
	s := publicShop(t)
	seller := s.sellerWithStore("lamps")
	const alt = `A "brass" lamp <lit> & warm`
	older := s.insertProduct(models.Product{SellerID: seller, Name: "Plain lamp", PriceCents: 900, CreatedAt: time.Now().Add(-time.Hour)})
	lamp := s.insertProduct(models.Product{SellerID: seller, Name: "Brass lamp", PriceCents: 4200, Cover: coverImage(alt)})

	for _, path := range []string{"/products/" + itoa(lamp), "/stores/lamps"} {
		r := s.client().get(path)
		expectStatus(t, r, http.StatusOK)
		doc := r.doc(t)
		want := map[string]string{
			"og:image": "https://shop.example/media/big.webp", "twitter:image": "https://shop.example/media/big.webp",
			"og:image:width": "1600", "og:image:height": "1200",
			"og:image:alt": alt, "twitter:image:alt": alt, "twitter:card": "summary_large_image",
		}
		for key, value := range want {
			if got, _ := metaContent(doc, key); got != value {
				t.Errorf("%s: %s = %q, want %q", path, key, got, value)
			}
		}
		if strings.Contains(r.body, "<lit>") {
			t.Errorf("%s: the alt text is not escaped", path)
		}
	}
	ld, _ := productJSONLD(t, s, lamp)
	if ld.Image != "https://shop.example/media/big.webp" {
		t.Errorf("JSON-LD image %q", ld.Image)
	}

	r := s.client().get("/products/" + itoa(older))
	doc := r.doc(t)
	for _, key := range []string{"og:image", "og:image:width", "og:image:alt", "twitter:image"} {
		if got, ok := metaContent(doc, key); ok {
			t.Errorf("a product without pictures has %s %q", key, got)
		}
	}
	if got, _ := metaContent(doc, "twitter:card"); got != "summary" {
		t.Errorf("twitter:card %q without a picture, want summary", got)
	}
	if ld, _ := productJSONLD(t, s, older); ld.Image != "" {
		t.Errorf("JSON-LD image %q without a picture", ld.Image)
	}
	s.sellerWithStore("empty")
	if got, ok := metaContent(s.client().get("/stores/empty").doc(t), "og:image"); ok {
		t.Errorf("a store without products has og:image %q", got)
	}
}

// With pictures on an S3 server, the preview links to it as it is.
func TestSocialImageFromObjectStorage(t *testing.T) {
	s := newShop(t, func(d *handlers.Deps) {
		d.Config.PublicURL = "https://shop.example"
		d.MediaURL = func(key string) string { return "https://bucket.s3.example/" + key }
	})
	seller := s.sellerWithStore("bucket")
	lamp := s.insertProduct(models.Product{SellerID: seller, Name: "Lamp", PriceCents: 4200, Cover: coverImage("")})
	doc := s.client().get("/products/" + itoa(lamp)).doc(t)
	if got, _ := metaContent(doc, "og:image"); got != "https://bucket.s3.example/big.webp" {
		t.Errorf("og:image %q", got)
	}
	if got, _ := metaContent(doc, "og:image:alt"); got != "Lamp" {
		t.Errorf("og:image:alt %q, want the product's name for an undescribed picture", got)
	}
}

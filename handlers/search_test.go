package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// seedSearchable inserts products with the given names (price i+1 dollars, the
// first oldest) by a new seller, published unless listed in drafts.
func (s *shop) seedSearchable(names []string, drafts ...string) (sellerID int64) {
	s.t.Helper()
	ctx := context.Background()
	seller := &models.User{Email: uniqueEmail(), PasswordHash: "!", CreatedAt: time.Now()}
	if _, err := s.db.NewInsert().Model(seller).Returning("id").Exec(ctx); err != nil {
		s.t.Fatal(err)
	}
	start := time.Now().Add(-time.Duration(len(names)) * time.Minute).UTC()
	products := make([]models.Product, len(names))
	for i, name := range names {
		products[i] = models.Product{SellerID: seller.ID, Name: name, Description: "Made with care.",
			PriceCents: int64(100 * (i + 1)), CreatedAt: start.Add(time.Duration(i) * time.Minute), Status: models.ProductPublished}
		for _, d := range drafts {
			if d == name {
				products[i].Status = models.ProductDraft
			}
		}
	}
	if _, err := s.db.NewInsert().Model(&products).Returning("id").Exec(ctx); err != nil {
		s.t.Fatal(err)
	}
	return seller.ID
}

func names(doc *goquery.Document) []string {
	return doc.Find("#products h2").Map(func(_ int, s *goquery.Selection) string { return s.Text() })
}

func TestSearchPage(t *testing.T) {
	s := newShop(t)
	lamps := make([]string, 15)
	for i := range lamps {
		lamps[i] = "Desk lamp " + string(rune('A'+i))
	}
	sellerOfTeapot := s.seedSearchable(append([]string{"Blue mug", "Enamel mug", "Secret mug", `Mug <script>alert(1)</script>`, "Teapot"}, lamps...),
		"Secret mug")
	guest := s.client()
	keysBefore := s.redisKeys()

	for _, tc := range []struct {
		name, target string
		status       int
		want         []string // in the body
		wantNot      []string
	}{
		{"Count and highlight", "/products?q=mug", 200,
			[]string{"3 results for “mug”", `<mark class="rounded-sm bg-amber-100 text-inherit">mug</mark>`, `value="mug"`},
			[]string{"Secret mug", "<script>alert(1)"}},
		{"Highlighting escapes markup", "/products?q=mug", 200,
			[]string{`<mark class="rounded-sm bg-amber-100 text-inherit">Mug</mark> &lt;script&gt;alert(1)&lt;/script&gt;`}, []string{"<script>alert"}},
		{"Typo", "/products?q=teapott", 200, []string{"1 result for “teapott”", `<mark class="rounded-sm bg-amber-100 text-inherit">Teapot</mark>`}, nil},
		{"Prefix", "/products?q=teap", 200, []string{"1 result for “teap”", "Teapot"}, nil},
		{"No match", "/products?q=xyzzy", 200,
			[]string{"No products match “xyzzy”", `<a href="/products" class="underline">Clear the search</a>`}, []string{`id="products"`}},
		{"Query escaped in the page", "/products?q=" + url.QueryEscape(`"><b>x`), 200,
			[]string{"&#34;&gt;&lt;b&gt;x"}, []string{`"><b>x`}},
		{"Too long", "/products?q=" + strings.Repeat("a", 201), 422,
			[]string{"Search: Use at most 200 characters.", `value="` + strings.Repeat("a", 201) + `"`, `aria-invalid="true"`}, nil},
		{"200 characters after trimming", "/products?q=" + url.QueryEscape("  "+strings.Repeat("a", 200)+"  "), 200,
			[]string{"No products match"}, nil},
		{"Unknown sort", "/products?q=mug&sort=cheapest", 422, []string{"Choose an order from the list."}, []string{`id="products"`}},
		{"Malformed price", "/products?min=abc&max=1.234", 422,
			[]string{`value="abc"`, "Enter a price like 19.99.", "Enter a price like 19.99 (at most two decimals)."}, nil},
		{"Min above max", "/products?q=mug&min=50&max=10", 422, []string{"Enter a maximum price at least as high as the minimum."}, nil},
		{"Unknown store", "/products?q=mug&store=nobody-here", 404, []string{`<nav id="nav"`}, nil},
		{"Malformed store", "/products?store=NOT%20A%20SLUG", 422, []string{"Choose a store from the list."}, nil},
		{"Page past the results", "/products?q=mug&page=2", 404, nil, nil},
		{"Not a page number", "/products?q=mug&page=02", 404, nil, nil},
		{"Price filter without text", "/products?max=2.00&sort=price_desc", 200,
			[]string{"2 results", "Enamel mug", "Blue mug"}, []string{" for “"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := guest.get(tc.target)
			expectStatus(t, resp, tc.status)
			if !strings.Contains(resp.Header.Get("Vary"), "HX-Request") {
				t.Errorf("Vary %q lacks HX-Request", resp.Header.Get("Vary"))
			}
			for _, w := range tc.want {
				if !strings.Contains(resp.body, w) {
					t.Errorf("body lacks %q:\n%.3000s", w, mainOf(resp.body))
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(resp.body, w) {
					t.Errorf("body has %q", w)
				}
			}
		})
	}

	t.Run("Orders", func(t *testing.T) {
		for target, want := range map[string][]string{
			"/products?q=mug":                               {"Enamel mug", "Blue mug", "Mug <script>alert(1)</script>"}, // mentioned by name, once each
			"/products?q=mug&sort=price_asc":                {"Blue mug", "Enamel mug", "Mug <script>alert(1)</script>"},
			"/products?q=mug&sort=price_desc":               {"Mug <script>alert(1)</script>", "Enamel mug", "Blue mug"},
			"/products?q=mug&sort=newest":                   {"Mug <script>alert(1)</script>", "Enamel mug", "Blue mug"},
			"/products?q=mug&min=1.50&max=4&sort=price_asc": {"Enamel mug", "Mug <script>alert(1)</script>"},
			"/products?q=mug&min=1.50&sort=newest":          {"Mug <script>alert(1)</script>", "Enamel mug"},
		} {
			resp := guest.get(target)
			expectStatus(t, resp, http.StatusOK)
			got := names(resp.doc(t))
			if strings.Contains(target, "sort=") || strings.Contains(target, "min=") {
				if strings.Join(got, "|") != strings.Join(want, "|") {
					t.Errorf("%s shows %q, want %q", target, got, want)
				}
			} else if len(got) != len(want) {
				t.Errorf("%s shows %q, want %d products", target, got, len(want))
			}
		}
	})

	t.Run("PaginationKeepsEveryParameter", func(t *testing.T) {
		resp := guest.get("/products?q=lamp&sort=price_desc&min=1&max=100")
		expectStatus(t, resp, http.StatusOK)
		doc := resp.doc(t)
		if got := names(doc); len(got) != models.ProductsPerPage || got[0] != "Desk lamp O" {
			t.Fatalf("page 1 shows %q", got)
		}
		next, _ := doc.Find(`a[rel="next"]`).Attr("href")
		want := "/products?max=100.00&min=1.00&page=2&q=lamp&sort=price_desc"
		if next != want {
			t.Fatalf("next link %q, want %q", next, want)
		}
		if hx, _ := doc.Find(`a[rel="next"]`).Attr("hx-get"); hx != want {
			t.Fatalf("next link's hx-get %q", hx)
		}
		resp = guest.get(next)
		expectStatus(t, resp, http.StatusOK)
		doc = resp.doc(t)
		if got := names(doc); len(got) != 3 || got[2] != "Desk lamp A" {
			t.Fatalf("page 2 shows %q", got)
		}
		if prev, _ := doc.Find(`a[rel="prev"]`).Attr("href"); prev != "/products?max=100.00&min=1.00&q=lamp&sort=price_desc" {
			t.Fatalf("previous link %q", prev)
		}
		if doc.Find(`a[rel="next"]`).Length() != 0 {
			t.Fatal("last page has a next link")
		}
		// The controls show the search as the shop writes it.
		for sel, want := range map[string]string{"#search-q": "lamp", "#min": "1.00", "#max": "100.00"} {
			if got, _ := doc.Find(sel).Attr("value"); got != want {
				t.Errorf("%s value %q, want %q", sel, got, want)
			}
		}
		if got, _ := doc.Find(`#sort option[selected]`).Attr("value"); got != "price_desc" {
			t.Errorf("selected order %q", got)
		}
	})

	t.Run("DraftsNeverAppear", func(t *testing.T) {
		for _, target := range []string{"/products?q=secret", "/products?q=mug", "/products?sort=price_asc", "/products"} {
			if body := guest.get(target).body; strings.Contains(body, "Secret mug") {
				t.Errorf("%s shows a draft", target)
			}
		}
	})

	t.Run("FragmentForHTMX", func(t *testing.T) {
		for _, target := range []string{"/products?q=mug", "/products?q=mug&sort=bogus", "/products"} {
			partial := guest.do(http.MethodGet, target, nil, http.Header{"Hx-Request": {"true"}, "Hx-Target": {"main"}})
			if strings.Contains(partial.body, `<nav id="nav"`) || strings.Contains(partial.body, "<html") {
				t.Errorf("%s: an htmx request for #main got the whole page", target)
			}
			if !strings.Contains(partial.body, "<title>") || !strings.Contains(partial.body, `id="search-filters"`) {
				t.Errorf("%s: the fragment lacks its title or controls:\n%.1000s", target, partial.body)
			}
			if !strings.Contains(partial.Header.Get("Vary"), "HX-Request") {
				t.Errorf("%s: Vary %q", target, partial.Header.Get("Vary"))
			}
			for name, header := range map[string]http.Header{
				"history restore": {"Hx-Request": {"true"}, "Hx-Target": {"main"}, "Hx-History-Restore-Request": {"true"}},
				"other target":    {"Hx-Request": {"true"}},
				"plain":           nil,
			} {
				full := guest.do(http.MethodGet, target, nil, header)
				if !strings.Contains(full.body, `<nav id="nav"`) {
					t.Errorf("%s, %s: not the whole page", target, name)
				}
			}
		}
		// The pushed address is the search as the shop writes it.
		resp := guest.do(http.MethodGet, "/products?q=++mug&sort=&min=&max=", nil, http.Header{"Hx-Request": {"true"}, "Hx-Target": {"main"}})
		if got := resp.Header.Get("HX-Push-Url"); got != "/products?q=mug" {
			t.Errorf("HX-Push-Url %q", got)
		}
		resp = guest.do(http.MethodGet, "/products?q=&sort=&min=&max=", nil, http.Header{"Hx-Request": {"true"}, "Hx-Target": {"main"}})
		if got := resp.Header.Get("HX-Push-Url"); got != "/products" || !strings.Contains(resp.body, "Desk lamp O") {
			t.Errorf("an emptied search: HX-Push-Url %q, want the list", got)
		}
	})

	t.Run("CachedPagesFollowTheCatalogue", func(t *testing.T) {
		before := names(guest.get("/products?q=teapot").doc(t))
		if _, err := services.NewCatalog(s.db).CreateProduct(context.Background(), sellerOfTeapot,
			models.ProductInput{Name: "Copper teapot", Price: "30.00"}); err != nil {
			t.Fatal(err)
		}
		after := names(guest.get("/products?q=teapot").doc(t))
		if len(after) != len(before)+1 {
			t.Fatalf("after a new teapot the search shows %q (before: %q)", after, before)
		}
	})

	t.Run("GuestSearchStoresNothing", func(t *testing.T) {
		if len(guest.cookies) != 0 {
			t.Fatalf("searching set cookies %v", guest.cookies)
		}
		if after := s.redisKeys(); after != keysBefore {
			t.Fatalf("searching wrote %d Redis keys", after-keysBefore)
		}
		resp := guest.get("/products?q=mug")
		if strings.Contains(resp.body, "csrf-token") || resp.Header.Get("Set-Cookie") != "" {
			t.Fatal("a guest's search page carries a session or token")
		}
		// Plain guests get the same bytes for the same search, with an ETag.
		etag := resp.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag on a guest's search page")
		}
		expectStatus(t, guest.do(http.MethodGet, "/products?q=mug", nil, http.Header{"If-None-Match": {etag}}), http.StatusNotModified)
	})

	// A search is cached from its second request on: the first, rendered
	// straight into the response, is the same page with the same ETag, and
	// answers its own ETag with a 304 too.
	t.Run("FirstRequestIsTheCachedPage", func(t *testing.T) {
		const target = "/products?page=2&q=desk+lamp" // canonical: guests get the whole page cached
		first, second, third := guest.get(target), guest.get(target), guest.get(target)
		for i, resp := range []*response{first, second, third} {
			expectStatus(t, resp, http.StatusOK)
			if resp.body != first.body || resp.Header.Get("ETag") != first.Header.Get("ETag") {
				t.Fatalf("request %d differs from the first (ETag %q against %q)", i+1, resp.Header.Get("ETag"), first.Header.Get("ETag"))
			}
		}
		if first.Header.Get("ETag") == "" || !strings.Contains(first.body, "15 results for “desk lamp”") {
			t.Fatalf("first request: ETag %q, body %s", first.Header.Get("ETag"), mainOf(first.body))
		}
		fresh := "/products?q=teapot&sort=price_asc" // never asked for before: not cached
		expectStatus(t, guest.do(http.MethodGet, fresh, nil, http.Header{"If-None-Match": {"*"}}), http.StatusNotModified)
		expectStatus(t, guest.do(http.MethodGet, fresh, nil, http.Header{"If-None-Match": {guest.get(fresh).Header.Get("ETag")}}),
			http.StatusNotModified)
	})

	t.Run("SignedInSearch", func(t *testing.T) {
		user, email := s.signedIn()
		resp := user.get("/products?q=mug")
		expectStatus(t, resp, http.StatusOK)
		if !strings.Contains(resp.body, email) || !strings.Contains(resp.body, "3 results for “mug”") {
			t.Fatal("a signed-in search lacks the user's nav or the results")
		}
	})

	t.Run("InjectionShapedQueriesAreNeverA500", func(t *testing.T) {
		for _, q := range []string{`'`, `"`, `\`, `' OR 1=1 --`, `mug & | ! :*`, "mug\x00", `a:* & !b`, `"unclosed`, `-`, `--`,
			`or`, `mug or`, `-mug`, `%`, `_`, `(`, `)`, `<>`, `*`, strings.Repeat("x ", 1500), strings.Repeat("é", 201)} {
			resp := guest.get("/products?q=" + url.QueryEscape(q))
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnprocessableEntity &&
				resp.StatusCode != http.StatusRequestURITooLong && resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("q=%.40q: status %d", q, resp.StatusCode)
			}
		}
	})
}

func TestSearchInStore(t *testing.T) {
	s := newShop(t)
	seller := s.seedSearchable([]string{"Green mug", "Red mug"})
	s.seedSearchable([]string{"Other mug"})
	store, err := services.NewStores(s.db).CreateStore(context.Background(), seller, models.StoreInput{Name: "Pottery Place", Slug: "pottery-place"})
	if err != nil {
		t.Fatal(err)
	}
	guest := s.client()
	resp := guest.get("/products?q=mug&store=" + store.Slug)
	expectStatus(t, resp, http.StatusOK)
	doc := resp.doc(t)
	if got := names(doc); len(got) != 2 {
		t.Fatalf("the store's search shows %q", got)
	}
	if !strings.Contains(resp.body, "In the store Pottery Place.") {
		t.Fatal("the page does not name the store")
	}
	if v, _ := doc.Find(`input[name="store"]`).Attr("value"); v != "pottery-place" {
		t.Fatalf("the store is not kept in the form: %q", v)
	}
	if href, _ := doc.Find(`a:contains("Search every store")`).Attr("href"); href != "/products?q=mug" {
		t.Fatalf("every-store link %q", href)
	}
	if got := names(guest.get("/products?q=mug").doc(t)); len(got) != 3 {
		t.Fatalf("every store: %q", got)
	}
}

// mainOf is the page's <main> for failure messages.
func mainOf(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		return body[i:]
	}
	return body
}

// The sort control names the order the page is in: without search text the
// default is the newest first (and "Best match" is not offered); with text it
// is the best match, and "Newest" is a choice of its own.
func TestSortControlNamesTheDefaultOrder(t *testing.T) {
	s := newShop(t)
	s.seedSearchable([]string{"Blue mug", "Teapot"})
	guest := s.client()
	options := func(target string) (labels []string, selected string) {
		doc := guest.get(target).doc(t)
		doc.Find("select#sort option").Each(func(_ int, o *goquery.Selection) {
			labels = append(labels, o.Text())
			if _, ok := o.Attr("selected"); ok {
				selected = o.Text()
			}
		})
		return labels, selected
	}
	for target, want := range map[string]struct {
		labels   string
		selected string
	}{
		"/products":                   {"Newest|Price: low to high|Price: high to low", "Newest"},
		"/products?sort=newest":       {"Newest|Price: low to high|Price: high to low", "Newest"},
		"/products?sort=price_asc":    {"Newest|Price: low to high|Price: high to low", "Price: low to high"},
		"/products?q=mug":             {"Best match|Newest|Price: low to high|Price: high to low", "Best match"},
		"/products?q=mug&sort=newest": {"Best match|Newest|Price: low to high|Price: high to low", "Newest"},
	} {
		labels, selected := options(target)
		if strings.Join(labels, "|") != want.labels || selected != want.selected {
			t.Errorf("%s: options %q, selected %q; want %s, %q", target, labels, selected, want.labels, want.selected)
		}
	}
}

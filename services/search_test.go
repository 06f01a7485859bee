package services_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// searchCatalogue is the products the search tests look through, by index.
var searchCatalogue = []models.Product{
	{Name: "Wireless headphones", Description: "Over-ear headphones with 30 hours of battery.", PriceCents: 12900},
	{Name: "Hand-thrown stoneware mug", Description: "A 350 ml mug in a speckled glaze.", PriceCents: 2400},
	{Name: "Enamel camping mug", Description: "Classic white enamel with a navy rim.", PriceCents: 1200},
	{Name: "Linen tea towel", Description: "Stonewashed linen with a hanging loop.", PriceCents: 1450},
	{Name: "Cotton tea towels, set of two", Description: "Soft and absorbent.", PriceCents: 1800},
	{Name: "Teapot", Description: "Porcelain teapot for loose-leaf tea.", PriceCents: 3900},
	{Name: "Notebook, dot grid", Description: "A5, 160 pages of smooth paper.", PriceCents: 1600},
	{Name: "Walnut serving board", Description: "Serve cheese next to a stoneware mug of coffee.", PriceCents: 6500},
	{Name: "Mugs, set of four", Description: "Four porcelain mugs in assorted colours.", PriceCents: 4800},
	{Name: "Earbuds", Description: "Wireless earbuds with a charging case.", PriceCents: 8900},
	{Name: "Café crème cup", Description: "Porcelain cup for a café crème.", PriceCents: 1500},
}

// secondSellerFrom is the first product of the second seller.
const secondSellerFrom = 9

// searchCases is the table both databases must pass: the text typed, and the
// indexes in searchCatalogue of the products it finds.
var searchCases = []struct {
	text string
	want []int
}{
	// Words, any order, stemmed, in names and descriptions.
	{"mug", []int{1, 2, 7, 8}},
	{"Mugs", []int{1, 2, 7, 8}},
	{"MUG", []int{1, 2, 7, 8}},
	{"wireless", []int{0, 9}},
	{"wireless headphones", []int{0}},
	{"headphones wireless", []int{0}},
	{"stoneware mug", []int{1, 7}},
	{"tea", []int{3, 4, 5}},
	{"tea towel", []int{3, 4}},
	{"café", []int{10}},
	{"350", []int{1}},
	{"a5", []int{6}},
	{"the mug", []int{1, 2, 7, 8}},
	// Prefixes (a word being typed) and typos, against the names' words.
	{"headphon", []int{0}},
	{"headp", []int{0}},
	{"hedphones", []int{0}},
	{"wireles hedphones", []int{0}},
	{"note", []int{6}},
	{"teapott", []int{5}},
	// Phrases, OR and exclusion.
	{`"tea towel"`, []int{3, 4}},
	{`"towel tea"`, nil},
	{`"linen tea towel"`, []int{3}},
	{"mug or teapot", []int{1, 2, 5, 7, 8}},
	{"teapot OR notebook", []int{5, 6}},
	{"mug -enamel", []int{1, 7, 8}},
	{`mug -"camping mug"`, []int{1, 7, 8}},
	{"mug -porcelain", []int{1, 2, 7}},
	{"mug or -enamel", []int{1, 7, 8}},
	// Nothing to find.
	{"xylophone", nil},
	{"the", nil},
	{"-mug", nil},
	// Injection-shaped text is words and separators, nothing more.
	{"' OR 1=1 --", nil},
	{`'; DROP TABLE products; --`, nil},
	{`\`, nil},
	{`\'mug\'`, []int{1, 2, 7, 8}},
	{"mug:*", []int{1, 2, 7, 8}},
	{"mug & !enamel | teapot", nil},
	{"a & b | !c :*", nil},
	{`mug" OR "1"="1`, nil},
	{"NEAR(mug teapot) AND title:mug*", nil},
	{"%_%", nil},
}

// seedSearchCatalogue stores searchCatalogue for two sellers, a minute apart
// (later index, newer product), and returns the product ids by index.
func seedSearchCatalogue(t *testing.T, db *bun.DB) (ids []int64, sellers [2]int64) {
	t.Helper()
	ctx := context.Background()
	for i := range sellers {
		u := &models.User{Email: fmt.Sprintf("search-seller-%d@example.com", i), PasswordHash: "x", CreatedAt: time.Now()}
		if _, err := db.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		sellers[i] = u.ID
	}
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, p := range searchCatalogue {
		p.SellerID = sellers[0]
		if i >= secondSellerFrom {
			p.SellerID = sellers[1]
		}
		p.CreatedAt = start.Add(time.Duration(i) * time.Minute)
		if _, err := db.NewInsert().Model(&p).Returning("id").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	return ids, sellers
}

func search(t *testing.T, catalog *services.Catalog, in models.SearchInput) models.ProductPage {
	t.Helper()
	q, err := in.Parse()
	if err != nil {
		t.Fatalf("%+v: %v", in, err)
	}
	page, err := catalog.SearchProducts(context.Background(), q)
	if err != nil {
		t.Fatalf("%+v: %v", in, err)
	}
	return page
}

// indexesOf maps a page's products back to searchCatalogue indexes.
func indexesOf(t *testing.T, page models.ProductPage, ids []int64) []int {
	t.Helper()
	var out []int
	for _, p := range page.Products {
		i := slices.Index(ids, p.ID)
		if i < 0 {
			t.Fatalf("unknown product %+v", p)
		}
		out = append(out, i)
	}
	return out
}

func TestSearchProducts(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ids, sellers := seedSearchCatalogue(t, db)
			catalog := services.NewCatalog(db)

			t.Run("QueryTable", func(t *testing.T) {
				for _, tc := range searchCases {
					page := search(t, catalog, models.SearchInput{Q: tc.text})
					got := indexesOf(t, page, ids)
					slices.Sort(got)
					if !slices.Equal(got, tc.want) || page.Total != len(tc.want) || page.TotalCapped || page.HasNext {
						t.Errorf("%q found %v (total %d, capped %v, next %v); want %v", tc.text, got, page.Total,
							page.TotalCapped, page.HasNext, tc.want)
					}
				}
				if n, err := catalog.CountProducts(context.Background()); err != nil || n != int64(len(searchCatalogue)) {
					t.Errorf("after the injection-shaped queries: %d products, %v", n, err)
				}
			})

			t.Run("SameProductsAsEverywhere", func(t *testing.T) {
				for _, sort := range []string{"relevance", "newest"} {
					page := search(t, catalog, models.SearchInput{Q: "café", Sort: sort})
					want, err := catalog.ProductByID(context.Background(), ids[10])
					if err != nil || len(page.Products) != 1 || !reflect.DeepEqual(page.Products[0], *want) {
						t.Errorf("café by %s: %+v; ProductByID: %+v, %v", sort, page.Products, want, err)
					}
				}
			})

			t.Run("RelevanceNameBeforeDescription", func(t *testing.T) {
				got := indexesOf(t, search(t, catalog, models.SearchInput{Q: "mug"}), ids)
				if len(got) != 4 || got[3] != 7 {
					t.Errorf("mug by relevance: %v; want the description-only match (7) last", got)
				}
				got = indexesOf(t, search(t, catalog, models.SearchInput{Q: "headphones"}), ids)
				if !slices.Equal(got, []int{0}) {
					t.Errorf("headphones: %v", got)
				}
			})

			t.Run("Orders", func(t *testing.T) {
				for sort, want := range map[string][]int{
					"newest":     {8, 7, 2, 1},
					"price_asc":  {2, 1, 8, 7},
					"price_desc": {7, 8, 1, 2},
				} {
					if got := indexesOf(t, search(t, catalog, models.SearchInput{Q: "mug", Sort: sort}), ids); !slices.Equal(got, want) {
						t.Errorf("mug by %s: %v, want %v", sort, got, want)
					}
				}
				// Typo tolerance works in every order.
				if got := indexesOf(t, search(t, catalog, models.SearchInput{Q: "hedphones", Sort: "price_asc"}), ids); !slices.Equal(got, []int{0}) {
					t.Errorf("hedphones by price: %v", got)
				}
				if got := indexesOf(t, search(t, catalog, models.SearchInput{Q: "teapott or notebook", Sort: "newest"}), ids); !slices.Equal(got, []int{6}) {
					t.Errorf("an OR query is exact (no typo tolerance): %v, want [6]", got)
				}
			})

			t.Run("Filters", func(t *testing.T) {
				page := search(t, catalog, models.SearchInput{Q: "mug", Min: "20", Max: "50.00"})
				if got := indexesOf(t, page, ids); !slices.Equal(sorted(got), []int{1, 8}) || page.Total != 2 {
					t.Errorf("mug from 20 to 50: %v (total %d), want [1 8]", got, page.Total)
				}
				page = search(t, catalog, models.SearchInput{Min: "40", Max: "100", Sort: "price_asc"})
				if got := indexesOf(t, page, ids); !slices.Equal(got, []int{8, 7, 9}) || page.Total != 3 {
					t.Errorf("everything from 40 to 100 by price: %v (total %d), want [8 7 9]", got, page.Total)
				}
				page = search(t, catalog, models.SearchInput{Max: "12"})
				if got := indexesOf(t, page, ids); !slices.Equal(got, []int{2}) {
					t.Errorf("up to 12.00 (inclusive): %v, want [2]", got)
				}
				q, _ := models.SearchInput{Q: "porcelain"}.Parse()
				q.SellerID = sellers[1]
				page, err := catalog.SearchProducts(context.Background(), q)
				if got := indexesOf(t, page, ids); err != nil || !slices.Equal(got, []int{10}) {
					t.Errorf("porcelain from the second seller: %v, %v; want [10]", got, err)
				}
			})

			t.Run("NoTextListsNewestFirst", func(t *testing.T) {
				page := search(t, catalog, models.SearchInput{})
				got := indexesOf(t, page, ids)
				if len(got) != 11 || got[0] != 10 || got[10] != 0 || page.Total != 11 || page.HasNext {
					t.Errorf("everything: %v (total %d, next %v)", got, page.Total, page.HasNext)
				}
			})
		})
	}
}

func sorted(s []int) []int {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// A search that matches more than SearchCountCap products counts up to the cap
// and pages within it; pages follow on from one another with no gap or repeat.
func TestSearchProductsPagesAndCap(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			seller := &models.User{Email: "bulk@example.com", PasswordHash: "x", CreatedAt: time.Now()}
			if _, err := db.NewInsert().Model(seller).Returning("id").Exec(ctx); err != nil {
				t.Fatal(err)
			}
			const n = models.SearchCountCap + 10
			start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
			products := make([]models.Product, n)
			for i := range products {
				products[i] = models.Product{SellerID: seller.ID, Name: fmt.Sprintf("Brass bookmark no. %d", i),
					PriceCents: int64(100 + i), CreatedAt: start.Add(time.Duration(i) * time.Second)}
				if i < 15 {
					products[i].Name = fmt.Sprintf("Copper bookmark no. %d", i)
				}
			}
			if _, err := db.NewInsert().Model(&products).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			catalog := services.NewCatalog(db)

			one := search(t, catalog, models.SearchInput{Q: "copper"})
			two := search(t, catalog, models.SearchInput{Q: "copper", Page: "2"})
			three := search(t, catalog, models.SearchInput{Q: "copper", Page: "3"})
			if len(one.Products) != 12 || !one.HasNext || one.HasPrev || one.Total != 15 ||
				len(two.Products) != 3 || two.HasNext || !two.HasPrev || two.Total != 15 ||
				len(three.Products) != 0 || three.Total != 0 {
				t.Errorf("copper pages: %d/%v/%v/%d, %d/%v/%v/%d, %d/%d", len(one.Products), one.HasNext, one.HasPrev, one.Total,
					len(two.Products), two.HasNext, two.HasPrev, two.Total, len(three.Products), three.Total)
			}
			seen := map[int64]bool{}
			for _, p := range append(one.Products, two.Products...) {
				if seen[p.ID] {
					t.Errorf("product %d on two pages", p.ID)
				}
				seen[p.ID] = true
			}

			for _, sort := range []string{"relevance", "newest", "price_asc"} {
				first := search(t, catalog, models.SearchInput{Q: "bookmark", Sort: sort})
				if first.Total != models.SearchCountCap || !first.TotalCapped || !first.HasNext {
					t.Errorf("bookmark by %s: total %d, capped %v, next %v; want %d+", sort, first.Total, first.TotalCapped,
						first.HasNext, models.SearchCountCap)
				}
				lastPage := (models.SearchCountCap + models.ProductsPerPage - 1) / models.ProductsPerPage
				last := search(t, catalog, models.SearchInput{Q: "bookmark", Sort: sort, Page: fmt.Sprint(lastPage)})
				if want := models.SearchCountCap - (lastPage-1)*models.ProductsPerPage; len(last.Products) != want || last.HasNext {
					t.Errorf("bookmark by %s, page %d: %d products, next %v; want %d, no next", sort, lastPage, len(last.Products), last.HasNext, want)
				}
				past := search(t, catalog, models.SearchInput{Q: "bookmark", Sort: sort, Page: fmt.Sprint(lastPage + 1)})
				if len(past.Products) != 0 {
					t.Errorf("bookmark by %s past the cap: %d products", sort, len(past.Products))
				}
			}
			cheapest := search(t, catalog, models.SearchInput{Q: "bookmark", Sort: "price_asc"})
			if cheapest.Products[0].PriceCents != 100 {
				t.Errorf("cheapest bookmark costs %d, want 100 (the order covers every match, not only the counted ones)", cheapest.Products[0].PriceCents)
			}
		})
	}
}

// The search indexes follow every change to a product: new, renamed and
// deleted products, and the vocabulary typos are matched against.
func TestSearchFollowsProductChanges(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ids, _ := seedSearchCatalogue(t, db)
			catalog := services.NewCatalog(db)
			teapot := ids[5]
			if _, err := db.NewUpdate().Model((*models.Product)(nil)).Set("name = ?", "Kettle").Set("description = ?", "Stovetop kettle.").
				Where("id = ?", teapot).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for text, want := range map[string]int{"kettle": 1, "ketle": 1, "kettl": 1, "porcelain teapot": 0} {
				page := search(t, catalog, models.SearchInput{Q: text})
				if page.Total != want || (want == 1 && page.Products[0].ID != teapot) {
					t.Errorf("after the rename, %q finds %d products, want %d", text, page.Total, want)
				}
			}
			if _, err := db.NewDelete().Model((*models.Product)(nil)).Where("id = ?", ids[0]).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if page := search(t, catalog, models.SearchInput{Q: "headphones"}); page.Total != 0 {
				t.Errorf("a deleted product is still found: %+v", page.Products)
			}
		})
	}
}

// Search results are cards like the list's: a sold-out product's card says so
// rather than offering "Add to cart", whichever order the results are in.
func TestSearchResultsCarryTheStock(t *testing.T) {
	for name, db := range services.Databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ids, _ := seedSearchCatalogue(t, db)
			catalog := services.NewCatalog(db)
			headphones := ids[0]
			if _, err := db.NewUpdate().Model((*models.Product)(nil)).Set("stock = 0").Where("id = ?", headphones).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			for _, sort := range []string{"relevance", "newest", "price_asc"} {
				page := search(t, catalog, models.SearchInput{Q: "headphones", Sort: sort})
				found := false
				for _, p := range page.Products {
					if p.ID == headphones {
						found = true
						if !p.SoldOut() {
							t.Errorf("sort %s: the sold-out product's result has stock %v", sort, p.Stock)
						}
					} else if p.Stock != nil {
						t.Errorf("sort %s: product %d (unlimited) has stock %d", sort, p.ID, *p.Stock)
					}
				}
				if !found {
					t.Errorf("sort %s: the sold-out product is not found", sort)
				}
			}
		})
	}
}

package views_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/views"
)

// Render benchmarks of every page, with -benchmem: allocations per render are
// deterministic, so they are the number to watch (`go test -bench . -benchmem ./views`).

func benchPage(signedIn bool) views.Page {
	p := views.Page{Title: "Products", Path: "/products",
		Assets: views.AssetURLs{CSS: "/assets/app.0123abcd.css", HTMX: "/assets/htmx.0123abcd.js", JS: "/assets/app.0123abcd.js", Icon: "/assets/icon.0123abcd.svg"}}
	if signedIn {
		p.UserEmail, p.CSRFToken = "bench@example.com", strings.Repeat("t", 43)
	}
	return p
}

func benchProducts(n int) []models.Product {
	products := make([]models.Product, n)
	for i := range products {
		products[i] = models.Product{ID: int64(1000 - i), SellerID: 7, Name: fmt.Sprintf("Handmade item no. %d", 1000-i),
			Description: "Made to order.\nShips within a week.", PriceCents: int64(199 + i*7919%99800),
			CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	return products
}

func benchRender(b *testing.B, c templ.Component) {
	b.Helper()
	ctx := context.Background()
	var size countingWriter
	if err := c.Render(ctx, &size); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Render(ctx, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

type countingWriter int

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

func BenchmarkRenderProductList(b *testing.B) {
	page := models.ProductPage{Number: 1, HasNext: true, Products: benchProducts(models.ProductsPerPage)}
	b.Run("guest", func(b *testing.B) {
		benchRender(b, views.ProductsLayout(benchPage(false), views.ProductList(page, paths.Media)))
	})
	b.Run("signed-in", func(b *testing.B) {
		benchRender(b, views.ProductsLayout(benchPage(true), views.ProductList(page, paths.Media)))
	})
	// What the handler does on a cache hit: only the layout around cached HTML.
	var main strings.Builder
	if err := views.ProductList(page, paths.Media).Render(context.Background(), &main); err != nil {
		b.Fatal(err)
	}
	b.Run("cached-main", func(b *testing.B) { benchRender(b, views.ProductsLayout(benchPage(true), templ.Raw(main.String()))) })
}

func BenchmarkRenderProductDetail(b *testing.B) {
	product := benchProducts(1)[0]
	b.Run("guest", func(b *testing.B) {
		benchRender(b, views.ProductsLayout(benchPage(false), views.ProductDetail(product, paths.Media)))
	})
	var main strings.Builder
	if err := views.ProductDetail(product, paths.Media).Render(context.Background(), &main); err != nil {
		b.Fatal(err)
	}
	b.Run("cached-main", func(b *testing.B) { benchRender(b, views.ProductsLayout(benchPage(false), templ.Raw(main.String()))) })
}

func BenchmarkRenderAccount(b *testing.B) {
	user := models.User{ID: 7, Email: "bench@example.com", CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	d := models.Dashboard{Store: &models.StoreRef{Name: "Bench store", Slug: "bench-store"}}
	for _, p := range benchProducts(50) {
		d.Products = append(d.Products, models.DashboardProduct{ID: p.ID, Name: p.Name, Status: models.ProductPublished,
			PriceCents: p.PriceCents, CreatedAt: p.CreatedAt})
	}
	d.Published = len(d.Products)
	page := benchPage(true)
	benchRender(b, views.AccountPage(page, views.AccountMain(page.CSRFToken, user, d, paths.Media)))
}

func BenchmarkRenderLogin(b *testing.B) {
	p := benchPage(false)
	p.CSRFToken = strings.Repeat("t", 43)
	benchRender(b, views.LoginPage(p, views.AuthForm{}))
}

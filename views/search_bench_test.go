package views_test

import (
	"context"
	"io"

	"testing"

	"github.com/storefront/storefront/internal/benchdata"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/views"
)

// BenchmarkRenderSearch renders what an uncached search renders: the results'
// main content (names highlighted for the spread's queries of `make bench`)
// and the whole guest page around it.
func BenchmarkRenderSearch(b *testing.B) {
	var queries []models.ProductQuery
	for _, text := range benchdata.Queries(100) {
		q, err := models.SearchInput{Q: text}.Parse()
		if err != nil {
			b.Fatal(err)
		}
		queries = append(queries, q)
	}
	products := make([]models.Product, models.ProductsPerPage)
	for i := range products {
		products[i] = benchdata.Product(i * 37)
		products[i].ID = int64(i + 1)
	}
	view := func(i int) views.SearchView {
		q := queries[i%len(queries)]
		return views.SearchView{Text: q.Text, Terms: q.Terms, Params: paths.SearchParams{Q: q.Text, Page: 1},
			Media: paths.Media, Results: models.ProductPage{Number: 1, HasNext: true, Total: 120, Products: products}}
	}
	b.Run("main", func(b *testing.B) {
		i := 0
		for b.Loop() {
			benchRenderOnce(b, views.SearchMain(view(i)))
			i++
		}
	})
	b.Run("highlight", func(b *testing.B) {
		i := 0
		for b.Loop() {
			h := view(i).Terms.Highlighter()
			for _, p := range products {
				_ = h.Highlight(p.Name)
			}
			i++
		}
	})
}

func benchRenderOnce(b *testing.B, c interface {
	Render(ctx context.Context, w io.Writer) error
}) {
	if err := c.Render(context.Background(), io.Discard); err != nil {
		b.Fatal(err)
	}
}

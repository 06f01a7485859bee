package paths_test

import (
	"testing"

	"github.com/storefront/storefront/paths"
)

func TestProductSearch(t *testing.T) {
	full := paths.SearchParams{Q: "blue mug & co", Sort: "price_asc", Min: "1.00", Max: "1,000.00", Store: "pots", Page: 3}
	for _, tc := range []struct{ got, want string }{
		{paths.ProductSearch(paths.SearchParams{}), "/products"},
		{paths.ProductSearch(paths.SearchParams{Page: 1}), "/products"},
		{paths.ProductSearch(paths.SearchParams{Page: 2}), paths.ProductsPage(2)},
		{paths.ProductSearch(paths.SearchParams{Q: "mug"}), "/products?q=mug"},
		// Alphabetical, escaped, without empty values: one address per search.
		{paths.ProductSearch(full), "/products?max=1%2C000.00&min=1.00&page=3&q=blue+mug+%26+co&sort=price_asc&store=pots"},
		{paths.ProductSearch(full.OnPage(1)), "/products?max=1%2C000.00&min=1.00&q=blue+mug+%26+co&sort=price_asc&store=pots"},
		{paths.ProductSearch(full.WithoutStore()), "/products?max=1%2C000.00&min=1.00&q=blue+mug+%26+co&sort=price_asc"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

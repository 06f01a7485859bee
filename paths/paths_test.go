package paths_test

import (
	"testing"

	"github.com/storefront/storefront/paths"
)

func TestBuilders(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{paths.Product(42), "/products/42"},
		{paths.ProductsPage(0), "/products"},
		{paths.ProductsPage(1), "/products"},
		{paths.ProductsPage(3), "/products?page=3"},
		{paths.LoginReturningTo(""), "/login"},
		{paths.LoginReturningTo("/"), "/login"},
		{paths.LoginReturningTo("/login"), "/login"},
		{paths.LoginReturningTo("/signup"), "/login"},
		{paths.LoginReturningTo("/products?page=2"), "/login?next=%2Fproducts%3Fpage%3D2"},
		{paths.DevMailHTML(7), "/dev/mail/7/html"},
		{paths.Asset("app.1a2b.css"), "/assets/app.1a2b.css"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !paths.IsAsset("/assets/app.css") || paths.IsAsset("/assetsx") || paths.IsAsset("/products") {
		t.Error("IsAsset")
	}
}

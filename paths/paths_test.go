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
		{paths.PasswordReset("tok_-1"), "/password/reset/tok_-1"},
		{paths.EmailConfirm("tok_-1"), "/account/email/confirm/tok_-1"},
		{paths.AccountSessionDelete("AbC-_9"), "/account/sessions/AbC-_9/delete"},
		{paths.PasswordReset("a/b?c"), "/password/reset/a%2Fb%3Fc"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if !paths.IsAsset("/assets/app.css") || paths.IsAsset("/assetsx") || paths.IsAsset("/products") {
		t.Error("IsAsset")
	}
}

func TestSecretTokenDir(t *testing.T) {
	for path, want := range map[string]string{
		paths.PasswordReset("x"):        "/password/reset/",
		paths.EmailConfirm("x"):         "/account/email/confirm/",
		"/Password/RESET/x":             "/Password/RESET/",
		"/password/reset/":              "",
		paths.PasswordForgot:            "",
		paths.AccountEmail:              "",
		paths.AccountSessions:           "",
		paths.AccountSessionDelete("x"): "",
	} {
		dir, ok := paths.SecretTokenDir(path)
		if dir != want || ok != (want != "") {
			t.Errorf("SecretTokenDir(%q) = %q, %v; want %q", path, dir, ok, want)
		}
	}
}

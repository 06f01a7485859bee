package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/services"
)

// Every URL the paths package builds is served by a route of the app: the pages
// for GET, the form targets for POST.
func TestEveryPathIsServed(t *testing.T) {
	app, err := NewApp(Deps{
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Assets:    assets.Files(),
		DevOutbox: new(services.Outbox), // development: /dev/mail exists
	})
	if err != nil {
		t.Fatal(err)
	}
	routes := routeSetOf(app)
	token := services.NewToken()
	for method, targets := range map[string][]string{
		http.MethodGet: {
			paths.Home, paths.Products, paths.ProductsPage(1), paths.ProductsPage(2), paths.NewProduct, paths.Product(42),
			paths.ProductSearch(paths.SearchParams{Q: "mug", Sort: "price_asc", Store: "pots", Page: 2}),
			paths.Signup, paths.Login, paths.LoginReturningTo("/account?tab=1"), paths.Account,
			paths.DevMail, paths.DevMailHTML(7), paths.Healthz, paths.Readyz, paths.Favicon, paths.Asset("app.css"),
			paths.PasswordForgot, paths.PasswordReset(token), paths.AccountPassword, paths.AccountEmail,
			paths.EmailConfirm(token), paths.AccountSessions,
			paths.ProductEdit(42), paths.Store("my-shop"), paths.StorePage("my-shop", 2), paths.AccountStore,
			paths.Media(strings.Repeat("a", 64) + ".webp"),
		},
		http.MethodPost: {paths.Products, paths.Signup, paths.Login, paths.Logout, paths.LogoutEverywhere,
			paths.PasswordForgot, paths.PasswordReset(token), paths.AccountPassword, paths.AccountEmail,
			paths.EmailConfirm(token), paths.AccountSessionsOthers, paths.AccountSessionDelete("AbC-_12"),
			paths.Product(42), paths.ProductPublish(42), paths.ProductUnpublish(42), paths.ProductDelete(42),
			paths.ProductImages(42), paths.ProductImageOrder(42), paths.ProductImageAlt(42, 7),
			paths.ProductImageDelete(42, 7), paths.AccountStore},
	} {
		for _, target := range targets {
			u, err := url.Parse(target)
			if err != nil {
				t.Fatal(err)
			}
			if !routes.match(method, u.Path) {
				t.Errorf("%s %s: no route serves it", method, target)
			}
		}
	}
}

package handlers

import (
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// The route matcher (the after-login rule's, the upload limit's) follows the
// router's own settings: one segment per parameter, and case and trailing
// slashes as the app is configured.
func TestRouteSetMatch(t *testing.T) {
	table := []fiber.Route{
		{Method: http.MethodGet, Path: "/"},
		{Method: http.MethodGet, Path: "/products/:id"},
		{Method: http.MethodGet, Path: "/account"},
		{Method: http.MethodGet, Path: "/files/*"},
		{Method: http.MethodGet, Path: "/opt/:x?"},
		{Method: http.MethodHead, Path: "/head-only"},
		{Method: http.MethodPost, Path: "/logout"},
	}
	always := map[string]bool{
		"/": true, "": true, "/products/7": true, "/account": true, "/files/a/b": true, "/opt": true, "/opt/1": true,
		"/products": false, "/products/": false, "/products/7/edit": false, "/products//": false, "/accounts": false,
		"/logout": false, "/head-only": false, "/opt/1/2": false, "/account/x": false,
	}
	for name, tc := range map[string]struct {
		cfg  fiber.Config
		more map[string]bool
	}{
		"lenient": {fiber.Config{}, map[string]bool{"/PRODUCTS/7": true, "/products/7/": true, "/account/": true}},
		"strict and case-sensitive": {fiber.Config{StrictRouting: true, CaseSensitive: true},
			map[string]bool{"/PRODUCTS/7": false, "/products/7/": false, "/account/": false, "/Account": false}},
	} {
		routes := newRouteSet(tc.cfg)
		for _, rt := range table {
			routes.add(rt.Method, rt.Path)
		}
		for _, cases := range []map[string]bool{always, tc.more} {
			for path, want := range cases {
				if got := routes.match(http.MethodGet, path); got != want {
					t.Errorf("%s: match(%q) = %v, want %v", name, path, got, want)
				}
			}
		}
	}
}

package handlers

import (
	"net/http"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// The after-login rule's route matcher follows Fiber's default routing: literal
// segments without case, one segment per parameter, an optional trailing slash.
func TestGetRoutesMatch(t *testing.T) {
	routes := newGetRoutes([]fiber.Route{
		{Method: http.MethodGet, Path: "/"},
		{Method: http.MethodGet, Path: "/products/:id"},
		{Method: http.MethodGet, Path: "/account"},
		{Method: http.MethodGet, Path: "/files/*"},
		{Method: http.MethodGet, Path: "/opt/:x?"},
		{Method: http.MethodHead, Path: "/head-only"},
		{Method: http.MethodPost, Path: "/logout"},
	})
	for path, want := range map[string]bool{
		"/": true, "": true, "/products/7": true, "/PRODUCTS/7": true, "/products/7/": true, "/account": true,
		"/account/": true, "/files/a/b": true, "/files": true, "/opt": true, "/opt/1": true,
		"/products": false, "/products/": false, "/products/7/edit": false, "/products//": false, "/accounts": false,
		"/logout": false, "/head-only": false, "/opt/1/2": false, "/account/x": false,
	} {
		if got := routes.match(path); got != want {
			t.Errorf("match(%q) = %v, want %v", path, got, want)
		}
	}
}

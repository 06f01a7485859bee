package handlers

import (
	"github.com/gofiber/fiber/v2"

	"github.com/storefront/storefront/views"
)

// partialRequest reports an htmx request for a page's main content alone: the
// search box and the sort and filter controls target #main. Other htmx
// requests need whole pages: a history restore after a cache miss, and the
// logout form, whose 303 to / htmx follows with the same headers and swaps
// into <body> (its target has no id, so it sends no HX-Target). Responses that
// depend on this say so in Vary (serveCatalogPage, searchHandlers).
func partialRequest(c *fiber.Ctx) bool {
	return c.Get("HX-Request") == "true" && c.Get("HX-History-Restore-Request") != "true" &&
		c.Get("HX-Target") == views.MainID
}

// searchPage is the layout data of a catalogue page (its head: title,
// description, canonical address), with its search text in the nav's search box.
func (h catalogPageSource) searchPage(c *fiber.Ctx, head pageHead) views.Page {
	p := h.headedPage(c, head)
	p.SearchText = h.searchText
	return p
}

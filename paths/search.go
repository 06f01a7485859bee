package paths

import (
	"net/url"
	"strconv"
)

// SearchParams are the parameters of a search of the product list
// (GET /products): the search text, order, price bounds and store as the shop
// writes them, and the page. Empty values (and page 1) are left out of links.
type SearchParams struct {
	Q, Sort, Min, Max, Store string
	Page                     int
}

// ProductSearch is the address of a search: its parameters in one order
// (alphabetical, as url.Values encodes them), without empty ones, so that each
// search has one address (the whole-page cache is keyed by it). Without any
// parameter it is the product list itself.
func ProductSearch(p SearchParams) string {
	v := make(url.Values, 6)
	for _, kv := range [...][2]string{{"q", p.Q}, {"sort", p.Sort}, {"min", p.Min}, {"max", p.Max}, {"store", p.Store}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	if len(v) == 0 {
		return Products
	}
	return Products + "?" + v.Encode()
}

// OnPage is the same search on page n.
func (p SearchParams) OnPage(n int) SearchParams {
	p.Page = n
	return p
}

// WithoutStore is the same search in every store, from its first page.
func (p SearchParams) WithoutStore() SearchParams {
	p.Store, p.Page = "", 0
	return p
}

package models

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SearchMaxLength is the longest search text, in characters, after trimming.
const SearchMaxLength = 200

// ProductSort orders search results.
type ProductSort string

// The orders GET /products accepts in ?sort=.
const (
	SortRelevance ProductSort = "relevance" // best match first; the default when there is text
	SortNewest    ProductSort = "newest"    // newest first; the default otherwise
	SortPriceAsc  ProductSort = "price_asc"
	SortPriceDesc ProductSort = "price_desc"
)

// SearchInput is the raw query string of GET /products, kept as typed so the
// search form can show it again.
type SearchInput struct {
	Q, Sort, Min, Max, Store, Page string
}

// ProductQuery is a validated search of the published catalogue: what
// services.Catalog.SearchProducts runs.
type ProductQuery struct {
	// Text is the search text as typed, trimmed and with runs of white space
	// made one space ("" lists everything). Terms is its parsed form.
	Text  string
	Terms SearchTerms
	Sort  ProductSort
	// MinCents and MaxCents bound the price, both inclusive; 0 means no bound.
	MinCents, MaxCents int64
	// Store is the slug of the store to search in, "" for all stores.
	Store string
	// SellerID restricts the results to one seller; 0 means all.
	// TODO(issue10): the store feature resolves Store to its seller and sets
	// this (an unknown store is a 404 there); the service filters on it today.
	SellerID int64
	Page     int // 1-based
}

// Parse validates the input. Problems are EINVALID with a message per field
// (q, sort, min, max, store), except a page that is not a page number, which
// is ENOTFOUND (like a page past the end: each page has one address).
func (in SearchInput) Parse() (ProductQuery, error) {
	var q ProductQuery
	fields := map[string]string{}

	q.Text = collapseSpace(in.Q)
	switch problem := checkText(q.Text, false); {
	case problem != textOK:
		fields["q"] = problem.message("search")
	case utf8.RuneCountInString(q.Text) > SearchMaxLength:
		fields["q"] = "Use at most 200 characters."
	default:
		q.Terms = ParseSearchText(q.Text)
	}

	switch s := ProductSort(strings.TrimSpace(in.Sort)); s {
	case "":
		q.Sort = SortNewest
		if q.Text != "" {
			q.Sort = SortRelevance
		}
	case SortRelevance, SortNewest, SortPriceAsc, SortPriceDesc:
		q.Sort = s
	default:
		fields["sort"] = "Choose an order from the list."
	}
	// Without text every product matches equally well: relevance is newest.
	if q.Sort == SortRelevance && q.Text == "" {
		q.Sort = SortNewest
	}

	var msg string
	if strings.TrimSpace(in.Min) != "" {
		if q.MinCents, msg = ParsePrice(in.Min); msg != "" {
			fields["min"] = msg
		}
	}
	if strings.TrimSpace(in.Max) != "" {
		if q.MaxCents, msg = ParsePrice(in.Max); msg != "" {
			fields["max"] = msg
		}
	}
	if q.MinCents > 0 && q.MaxCents > 0 && q.MinCents > q.MaxCents {
		fields["max"] = "Enter a maximum price at least as high as the minimum."
	}

	q.Store = strings.TrimSpace(in.Store)
	if q.Store != "" && !isStoreSlug(q.Store) {
		fields["store"] = "Choose a store from the list."
	}

	page, ok := parseSearchPage(in.Page)
	if len(fields) > 0 {
		return ProductQuery{}, Invalid(fields)
	}
	if !ok {
		return ProductQuery{}, Errorf(ENOTFOUND, "There is no such page of results.")
	}
	q.Page = page
	return q, nil
}

// parseSearchPage reads ?page=: absent or empty is page 1; otherwise only a page
// number as the shop writes it ("2", not "02", "0" or "x") is one.
func parseSearchPage(s string) (int, bool) {
	if s == "" {
		return 1, true
	}
	return ParsePageNumber(s)
}

// isStoreSlug accepts what a store's address can be: lower-case ASCII letters,
// digits and inner hyphens, at most 64 characters.
// TODO(issue10): use the store feature's own slug rule once it exists.
func isStoreSlug(s string) bool {
	if len(s) > 64 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// collapseSpace trims s and makes every run of white space one space.
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

// HasText reports whether the query searches for words rather than listing everything.
func (q ProductQuery) HasText() bool { return q.Text != "" }

// Offset is the number of results before the query's page.
func (q ProductQuery) Offset() int { return (q.Page - 1) * ProductsPerPage }

// CacheKey names the query's results: two queries with the same key have the
// same results under the same catalogue version. Case and spacing of the text
// do not matter to the search, so they do not matter here either (only ASCII
// letters are folded: PostgreSQL folds others by the database's locale); the
// page and every filter do.
func (q ProductQuery) CacheKey() string {
	var b strings.Builder
	b.Grow(len(q.Text) + 64)
	b.WriteString(string(q.Sort))
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(q.MinCents, 10))
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(q.MaxCents, 10))
	b.WriteByte('|')
	b.WriteString(q.Store)
	b.WriteByte('|')
	b.WriteString(strconv.FormatInt(q.SellerID, 10))
	b.WriteByte('|')
	b.WriteString(strconv.Itoa(q.Page))
	b.WriteByte('|')
	for i := 0; i < len(q.Text); i++ {
		c := q.Text[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// SearchCountCap bounds the work of a broad search: only this many matches are
// counted (the page says "500+ results") and ranked, and pages lie within them.
const SearchCountCap = 500

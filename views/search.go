package views

import (
	"strconv"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// MainID is the id of the layout's <main>: what the search controls replace.
const MainID = "main"

// SearchFormID is the id of the nav's search form, which the sort and price
// controls belong to.
const SearchFormID = "search"

// SearchView is a search's state for its page.
type SearchView struct {
	// Input holds the controls' values: as typed when the search cannot be
	// run (Errors), otherwise as the shop writes them. Input.Sort is "" for
	// the default order.
	Input models.SearchInput
	// Text is the search text as read ("" without one); Terms, its parse.
	Text  string
	Terms models.SearchTerms
	// Params is the search's address, for the page links.
	Params paths.SearchParams
	// StoreName names the store searched in, if one is.
	StoreName string
	Results   models.ProductPage
	Errors    FormErrors
	// Media builds the cards' picture URLs.
	Media MediaURL
}

// sortOptions are the orders of the sort control; "" is the default order:
// the best match first when there is search text, else the newest.
var sortOptions = [...]struct{ value, label string }{
	{"", "Best match"},
	{string(models.SortNewest), "Newest"},
	{string(models.SortPriceAsc), "Price: low to high"},
	{string(models.SortPriceDesc), "Price: high to low"},
}

// sortChoice is one option of the sort control.
type sortChoice struct {
	value, label string
	selected     bool
}

// sortChoices are the sort control's options. Without search text the default
// order is the newest first, so the default option says so and no second
// "Newest" is offered.
func (v SearchView) sortChoices() []sortChoice {
	out := make([]sortChoice, 0, len(sortOptions))
	for _, o := range sortOptions {
		c := sortChoice{value: o.value, label: o.label, selected: o.value == v.Input.Sort}
		if v.Text == "" {
			if o.value == string(models.SortNewest) {
				continue
			}
			if o.value == "" {
				c.label = "Newest"
				c.selected = v.Input.Sort == "" || v.Input.Sort == string(models.SortNewest)
			}
		}
		out = append(out, c)
	}
	return out
}

// CountLine says how many products the search found: "12 results for “mug”",
// "500+ results" when only the first SearchCountCap were counted.
func (v SearchView) CountLine() string {
	n := strconv.Itoa(v.Results.Total)
	if v.Results.TotalCapped {
		n += "+"
	}
	line := n + " results"
	if v.Results.Total == 1 && !v.Results.TotalCapped {
		line = "1 result"
	}
	if v.Text != "" {
		line += " for “" + v.Text + "”"
	}
	return line
}

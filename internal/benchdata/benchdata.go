// Package benchdata makes the catalogue that `make bench` and the search
// benchmarks measure: realistic product names and descriptions drawn from word
// lists, the same on every run. Product i depends only on i, so the first 1,000
// products of a 100,000-product catalogue are the 1,000-product catalogue, and
// the two sizes differ only in how much there is.
package benchdata

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/storefront/storefront/models"
)

// Start is when the first product was listed; product i follows a minute later
// per index, so newest-first is highest index first.
var Start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// seedKey makes the generator's choices; changing it changes every product.
const seedKey = 0x5eed_ca7a_1065

// Product returns product i (0-based) without its seller, which the caller assigns.
func Product(i int) models.Product {
	r := rand.New(rand.NewPCG(seedKey, uint64(i)))
	c := categories[r.IntN(len(categories))]
	noun := pick(r, c.nouns)
	material := pick(r, c.materials)
	adjective := pick(r, adjectives)
	colour := pick(r, colours)

	var name string
	switch r.IntN(4) {
	case 0:
		name = adjective + " " + material + " " + noun
	case 1:
		name = adjective + " " + noun + ", " + colour
	case 2:
		name = material + " " + noun + " in " + colour
	default:
		name = adjective + " " + pick(r, adjectives) + " " + noun
	}

	var d strings.Builder
	fmt.Fprintf(&d, "%s %s %s made from %s %s.", article(adjective), adjective, noun, material, pick(r, origins))
	d.WriteString(" " + pick(r, c.features))
	if r.IntN(2) == 0 {
		d.WriteString(" " + pick(r, c.features))
	}
	fmt.Fprintf(&d, " Available in %s.", colour)
	d.WriteString(" " + pick(r, closings))

	return models.Product{
		Name:        capitalise(name),
		Description: d.String(),
		PriceCents:  price(r, c),
		CreatedAt:   Start.Add(time.Duration(i) * time.Minute),
	}
}

// price is spread log-uniformly over the category's range and ends like a shop
// price does (.00, .50, .95 or .99).
func price(r *rand.Rand, c category) int64 {
	lo, hi := float64(c.minCents), float64(c.maxCents)
	cents := int64(lo * math.Pow(hi/lo, r.Float64()))
	units := cents / 100
	if units < 1 {
		units = 1
	}
	return units*100 + []int64{0, 50, 95, 99}[r.IntN(4)]
}

func pick(r *rand.Rand, words []string) string { return words[r.IntN(len(words))] }

func article(word string) string {
	if strings.ContainsRune("aeiou", rune(word[0])) {
		return "An"
	}
	return "A"
}

func capitalise(s string) string { return strings.ToUpper(s[:1]) + s[1:] }

// SellerEmail is the address of seller i (0-based).
func SellerEmail(i int) string { return fmt.Sprintf("seller%04d@example.com", i+1) }

// PopularQuery is the query everybody types: it matches about 1.5 % of the
// catalogue (mugs and camping mugs), so it is the one a results cache serves.
const PopularQuery = "mug"

// TypoQueries are words one edit away from a product noun.
func TypoQueries() []string { return append([]string(nil), typos...) }

// FilteredQuery is a text query with a price range and a sort: the work of
// a shopper narrowing results down.
func FilteredQuery() (text string, minCents, maxCents int64, sort models.ProductSort) {
	return "wool", 2000, 8000, models.SortPriceAsc
}

// Queries returns n distinct queries a shopper might type: single nouns,
// material or adjective plus noun, colour plus noun, and partly typed words.
func Queries(n int) []string {
	r := rand.New(rand.NewPCG(seedKey, 1<<40))
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		c := categories[r.IntN(len(categories))]
		noun := pick(r, c.nouns)
		var q string
		switch r.IntN(6) {
		case 0:
			q = noun
		case 1:
			q = pick(r, c.materials) + " " + noun
		case 2:
			q = pick(r, adjectives) + " " + noun
		case 3:
			q = pick(r, colours) + " " + noun
		case 4:
			q = pick(r, c.materials) + " " + lastWord(noun)
		default:
			// As typed so far: a prefix of the last word.
			w := lastWord(noun)
			q = w[:max(3, len(w)*2/3)]
		}
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out
}

func lastWord(s string) string { return s[strings.LastIndexByte(s, ' ')+1:] }

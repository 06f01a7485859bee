package models_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

func TestSearchInputParse(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		q, err := models.SearchInput{}.Parse()
		if err != nil || q.Text != "" || q.Sort != models.SortNewest || q.Page != 1 || q.MinCents != 0 || q.MaxCents != 0 {
			t.Fatalf("empty input = %+v, %v; want newest, page 1, no filters", q, err)
		}
		q, err = models.SearchInput{Q: "  stoneware \t\n mug  "}.Parse()
		if err != nil || q.Text != "stoneware mug" || q.Sort != models.SortRelevance {
			t.Fatalf("text = %+v, %v; want trimmed, spaces collapsed, relevance", q, err)
		}
		// Relevance without text has nothing to rank by: newest.
		if q, err := (models.SearchInput{Sort: "relevance"}).Parse(); err != nil || q.Sort != models.SortNewest {
			t.Fatalf("relevance without text = %+v, %v; want newest", q, err)
		}
	})

	t.Run("Accepted", func(t *testing.T) {
		q, err := models.SearchInput{Q: "mug", Sort: "price_desc", Min: "$5", Max: "1,200.50", Store: "clay-works", Page: "3"}.Parse()
		want := models.ProductQuery{Text: "mug", Terms: models.ParseSearchText("mug"), Sort: models.SortPriceDesc,
			MinCents: 500, MaxCents: 120050, Store: "clay-works", Page: 3}
		if err != nil || !reflect.DeepEqual(q, want) {
			t.Fatalf("got %+v, %v\nwant %+v", q, err, want)
		}
		for _, s := range []string{"relevance", "newest", "price_asc", "price_desc"} {
			if _, err := (models.SearchInput{Q: "x", Sort: s}).Parse(); err != nil {
				t.Errorf("sort %q refused: %v", s, err)
			}
		}
		if _, err := (models.SearchInput{Q: strings.Repeat("é", 200)}).Parse(); err != nil {
			t.Errorf("200 characters refused: %v", err)
		}
		if q, err := (models.SearchInput{Min: "7", Max: "7"}).Parse(); err != nil || q.MinCents != 700 || q.MaxCents != 700 {
			t.Errorf("min = max: %+v, %v", q, err)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		for _, tc := range []struct {
			in    models.SearchInput
			field string
			msg   string
		}{
			{models.SearchInput{Q: strings.Repeat("a", 201)}, "q", "Use at most 200 characters."},
			{models.SearchInput{Q: "  " + strings.Repeat("é", 201) + "  "}, "q", "Use at most 200 characters."},
			{models.SearchInput{Q: strings.Repeat("x", 10_000)}, "q", "Use at most 200 characters."},
			{models.SearchInput{Q: "mug\x00"}, "q", "The search contains characters that are not allowed."},
			{models.SearchInput{Q: "\xff\xfe"}, "q", "The search contains characters that are not allowed."},
			{models.SearchInput{Q: "mug\x1b[2J"}, "q", "The search contains characters that are not allowed."},
			{models.SearchInput{Q: "gpj.\u202eexe"}, "q", "The search contains text-direction control characters, which are not allowed."},
			{models.SearchInput{Sort: "cheapest"}, "sort", "Choose an order from the list."},
			{models.SearchInput{Sort: "price_asc; DROP TABLE products"}, "sort", "Choose an order from the list."},
			{models.SearchInput{Min: "abc"}, "min", "Enter a price like 19.99."},
			{models.SearchInput{Min: "1.999"}, "min", "Enter a price like 19.99 (at most two decimals)."},
			{models.SearchInput{Max: "0"}, "max", "The price must be more than 0."},
			{models.SearchInput{Max: "2000000"}, "max", "The price can be at most 1,000,000.00."},
			{models.SearchInput{Min: "20", Max: "10"}, "max", "Enter a maximum price at least as high as the minimum."},
			{models.SearchInput{Store: "Clay Works"}, "store", "Choose a store from the list."},
			{models.SearchInput{Store: "-clay"}, "store", "Choose a store from the list."},
		} {
			_, err := tc.in.Parse()
			if models.ErrorCode(err) != models.EINVALID {
				t.Errorf("%+v: %v, want EINVALID", tc.in, err)
				continue
			}
			if got := models.FieldErrors(err)[tc.field]; got != tc.msg {
				t.Errorf("%+v: %s message %q, want %q", tc.in, tc.field, got, tc.msg)
			}
		}
		// Every problem is reported at once, so the form can show them all.
		_, err := models.SearchInput{Q: strings.Repeat("a", 300), Sort: "x", Min: "y", Max: "z"}.Parse()
		if f := models.FieldErrors(err); len(f) != 4 {
			t.Errorf("four bad fields gave %v", f)
		}
	})

	t.Run("PageNotANumberIsNotFound", func(t *testing.T) {
		for page, want := range map[string]int{"": 1, "1": 1, "2": 2, "100000": 100000} {
			if q, err := (models.SearchInput{Page: page}).Parse(); err != nil || q.Page != want {
				t.Errorf("page %q = %d, %v; want %d", page, q.Page, err, want)
			}
		}
		for _, page := range []string{"0", "-1", "02", "+2", "x", "1.5", "100001", "99999999999999999999", " 2"} {
			if _, err := (models.SearchInput{Page: page}).Parse(); models.ErrorCode(err) != models.ENOTFOUND {
				t.Errorf("page %q: %v, want ENOTFOUND", page, err)
			}
		}
		// Bad fields come first: the form with messages, not a 404.
		if _, err := (models.SearchInput{Sort: "x", Page: "0"}).Parse(); models.ErrorCode(err) != models.EINVALID {
			t.Errorf("bad sort and page: %v, want EINVALID", err)
		}
	})
}

func TestProductQueryCacheKey(t *testing.T) {
	key := func(in models.SearchInput) string {
		t.Helper()
		q, err := in.Parse()
		if err != nil {
			t.Fatal(err)
		}
		return q.CacheKey()
	}
	base := key(models.SearchInput{Q: "Stoneware Mug", Min: "5", Max: "50"})
	for _, same := range []models.SearchInput{
		{Q: "stoneware mug", Min: "5", Max: "50"},
		{Q: "  STONEWARE   mug ", Min: "5.00", Max: "$50", Sort: "relevance", Page: "1"},
	} {
		if got := key(same); got != base {
			t.Errorf("%+v: key %q, want %q", same, got, base)
		}
	}
	seen := map[string]models.SearchInput{}
	for _, in := range []models.SearchInput{
		{Q: "stoneware mug", Min: "5", Max: "50"},
		{Q: "stoneware mug", Min: "5", Max: "50", Page: "2"},
		{Q: "stoneware mug", Min: "5", Max: "50", Sort: "newest"},
		{Q: "stoneware mug", Min: "5"},
		{Q: "stoneware mug", Max: "50"},
		{Q: "stoneware mug", Min: "5", Max: "50", Store: "clay"},
		{Q: "stoneware", Min: "5", Max: "50"},
		{Q: "stoneware mugs", Min: "5", Max: "50"},
		{Q: `"stoneware mug"`, Min: "5", Max: "50"},
		{Min: "5", Max: "50"},
		{Q: "Ünique"},
		{Q: "ünique"}, // only ASCII folds: the database decides about the rest
	} {
		k := key(in)
		if other, dup := seen[k]; dup {
			t.Errorf("%+v and %+v share the key %q", in, other, k)
		}
		seen[k] = in
	}
}

func TestParseSearchText(t *testing.T) {
	phrases := func(ws ...string) []models.SearchPhrase {
		var out []models.SearchPhrase
		for _, w := range ws {
			out = append(out, strings.Fields(w))
		}
		return out
	}
	for _, tc := range []struct {
		text      string
		any       [][]models.SearchPhrase
		exclude   []models.SearchPhrase
		operators bool
		websearch string
	}{
		{"mug", [][]models.SearchPhrase{phrases("mug")}, nil, false, `"mug"`},
		{"Stoneware MUG", [][]models.SearchPhrase{phrases("stoneware", "mug")}, nil, false, `"stoneware" "mug"`},
		{`"linen tea towel"`, [][]models.SearchPhrase{phrases("linen tea towel")}, nil, true, `"linen tea towel"`},
		{`"linen tea`, [][]models.SearchPhrase{phrases("linen tea")}, nil, true, `"linen tea"`},
		{"mug or teapot", [][]models.SearchPhrase{phrases("mug"), phrases("teapot")}, nil, true, `"mug" or "teapot"`},
		{"mug OR teapot towel", [][]models.SearchPhrase{phrases("mug"), phrases("teapot", "towel")}, nil, true, `"mug" or "teapot" "towel"`},
		{"or mug or", [][]models.SearchPhrase{phrases("mug")}, nil, false, `"mug"`},
		{"mug -enamel", [][]models.SearchPhrase{phrases("mug")}, phrases("enamel"), false, `"mug"`},
		{`mug -"camping mug"`, [][]models.SearchPhrase{phrases("mug")}, phrases("camping mug"), false, `"mug"`},
		{"mug or -enamel", [][]models.SearchPhrase{phrases("mug")}, phrases("enamel"), false, `"mug"`},
		{"mug - enamel", [][]models.SearchPhrase{phrases("mug", "enamel")}, nil, false, `"mug" "enamel"`},
		{"t-shirt", [][]models.SearchPhrase{phrases("t shirt")}, nil, false, `"t shirt"`},
		{`"or"`, [][]models.SearchPhrase{phrases("or")}, nil, true, `"or"`},
		{"' OR 1=1 --", [][]models.SearchPhrase{phrases("1 1")}, nil, false, `"1 1"`},
		{"mug & towel | !x :*", [][]models.SearchPhrase{phrases("mug", "towel", "x")}, nil, false, `"mug" "towel" "x"`},
		{`\"; DROP TABLE products; --`, [][]models.SearchPhrase{phrases("drop table products")}, nil, true, `"drop table products"`},
		{"-mug", nil, phrases("mug"), false, ``},
		{"' -- ; :*", nil, nil, false, ``},
	} {
		got := models.ParseSearchText(tc.text)
		if !reflect.DeepEqual(got.Any, tc.any) || !reflect.DeepEqual(got.Exclude, tc.exclude) || got.Operators != tc.operators {
			t.Errorf("%q: got %+v, want any %v exclude %v operators %v", tc.text, got, tc.any, tc.exclude, tc.operators)
		}
		if ws := got.Websearch(); ws != tc.websearch {
			t.Errorf("%q: websearch %q, want %q", tc.text, ws, tc.websearch)
		}
	}
	if got := models.ParseSearchText(`-enamel -"tea towel"`).ExcludedWebsearch(); got != `"enamel" or "tea towel"` {
		t.Errorf("excluded websearch %q", got)
	}
	long := models.ParseSearchText(strings.Repeat("word ", 100))
	if n := len(long.Any[0]); n != 32 {
		t.Errorf("100 words kept %d, want at most 32", n)
	}
}

func TestSearchTermsWords(t *testing.T) {
	for _, tc := range []struct {
		text     string
		empty    bool
		exact    []models.SearchPhrase
		tolerant []string
		positive []string
	}{
		{"hedphones", false, nil, []string{"hedphones"}, []string{"hedphones"}},
		{"the wireless a4 hedphones -enamel", false, []models.SearchPhrase{{"the"}, {"a4"}},
			[]string{"wireless", "hedphones"}, []string{"wireless", "a4", "hedphones"}},
		{"t-shirt", false, []models.SearchPhrase{{"t", "shirt"}}, nil, []string{"shirt"}},
		{`"mug"`, false, nil, nil, []string{"mug"}},
		{"mug or cup", false, nil, nil, []string{"mug", "cup"}},
		{"the", true, []models.SearchPhrase{{"the"}}, nil, nil},
		{"-mug", true, nil, nil, nil},
		{"", true, nil, nil, nil},
	} {
		terms := models.ParseSearchText(tc.text)
		exact, tolerant := terms.TolerantWords()
		if terms.IsEmpty() != tc.empty || !reflect.DeepEqual(exact, tc.exact) || !reflect.DeepEqual(tolerant, tc.tolerant) {
			t.Errorf("%q: empty %v, exact %v, tolerant %v; want %v, %v, %v", tc.text, terms.IsEmpty(), exact, tolerant, tc.empty, tc.exact, tc.tolerant)
		}
		if got := terms.PositiveWords(); !reflect.DeepEqual(got, tc.positive) {
			t.Errorf("%q: positive words %v, want %v", tc.text, got, tc.positive)
		}
	}
	_, tolerant := models.ParseSearchText("one two three four five six seven eight").TolerantWords()
	if len(tolerant) != 6 {
		t.Errorf("tolerant words %v: want at most six", tolerant)
	}
}

// The values PostgreSQL 15's pg_trgm gives (SELECT word_similarity(a, b)).
func TestWordSimilarityMatchesPgTrgm(t *testing.T) {
	for _, tc := range []struct {
		word, text string
		want       float64
	}{
		{"hedphones", "wireless headphones", 0.61538464},
		{"headphon", "wireless headphones", 0.8888889},
		{"headp", "wireless headphones", 0.8333333},
		{"mug", "music box", 0.5},
		{"teatowel", "linen tea towel", 0.6363636},
		{"wireles", "wireless headphones", 0.875},
		{"he", "wireless headphones", 0.6666667},
		{"mugs", "enamel mug", 0.6},
		{"word", "two words", 0.8},
		{"mug", "", 0},
		{"", "mug", 0},
		{"MUG", "Enamel Mug", 1},
	} {
		if got := models.WordSimilarity(tc.word, tc.text); got < tc.want-1e-6 || got > tc.want+1e-6 {
			t.Errorf("WordSimilarity(%q, %q) = %v, want %v", tc.word, tc.text, got, tc.want)
		}
	}
}

func TestHighlight(t *testing.T) {
	show := func(segments []models.TextSegment) string {
		var b strings.Builder
		for _, s := range segments {
			if s.Match {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		return b.String()
	}
	for _, tc := range []struct{ text, name, want string }{
		{"mug", "Enamel camping mug", "Enamel camping [mug]"},
		{"mug", "Mugs, set of four", "[Mugs], set of four"},
		{"MUGS", "Hand-thrown stoneware mug", "Hand-thrown stoneware [mug]"},
		{"hedphones", "Wireless Headphones", "Wireless [Headphones]"},
		{"wireless headp", "Wireless headphones", "[Wireless] [headphones]"},
		{`"tea towel" or mug`, "Linen tea towel", "Linen [tea] [towel]"},
		{"mug -enamel", "Enamel mug", "Enamel [mug]"},
		{"the mug", "The mug of the year", "The [mug] of the year"},
		{"ring", "Earrings", "Earrings"},
		{"mug", "Teapot", "Teapot"},
		{"", "Teapot", "Teapot"},
		{"script", "<script>alert(1)</script>", "<[script]>alert(1)</[script]>"},
		{"café", "Café crème", "[Café] crème"},
	} {
		segments := models.ParseSearchText(tc.text).Highlight(tc.name)
		if got := show(segments); got != tc.want {
			t.Errorf("%q in %q: %q, want %q", tc.text, tc.name, got, tc.want)
		}
		assertSegmentsJoinTo(t, segments, tc.name)
	}
}

// assertSegmentsJoinTo checks that highlighting only splits the name: the
// segments hold all of it, in order, and nothing else.
func assertSegmentsJoinTo(t *testing.T, segments []models.TextSegment, name string) {
	t.Helper()
	var joined strings.Builder
	for i, s := range segments {
		if s.Text == "" && len(segments) > 1 {
			t.Errorf("empty segment %d in %+v", i, segments)
		}
		if i > 0 && !s.Match && !segments[i-1].Match {
			t.Errorf("two plain segments in a row in %+v", segments)
		}
		joined.WriteString(s.Text)
	}
	if joined.String() != name {
		t.Errorf("segments %+v join to %q, not the name %q", segments, joined.String(), name)
	}
}

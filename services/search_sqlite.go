package services

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// The SQLite search does what the PostgreSQL one does, with FTS5: the terms
// become an FTS5 expression over products_fts (porter stemming, name weighing
// two and a half times the description in bm25), and each word of a plain
// query that no product name has also matches the five name words most like it
// (models.WordSimilarity against the vocabulary of names, products_name_vocab).
// SQLite has no stop words, so those PostgreSQL ignores are left out here.

// bm25 weights of products_fts's columns (name, description), like pgRankWeights.
const sqliteRankWeights = "2.5, 1.0"

// maxAlternatives is how many name words a tolerant word may also match
// (search_word_tsquery's LIMIT on PostgreSQL).
const maxAlternatives = 5

func sqliteTextMatch(ctx context.Context, db bun.IDB, t models.SearchTerms) (textMatch, error) {
	groups := t.Any
	var alternatives map[string][]string
	if t.Plain() {
		exact, tolerant := t.TolerantWords()
		var err error
		if alternatives, err = nameWordAlternatives(ctx, db, tolerant); err != nil {
			return textMatch{}, err
		}
		group := exact
		for _, w := range tolerant {
			group = append(group, models.SearchPhrase{w})
		}
		groups = [][]models.SearchPhrase{group}
	}
	expr := fts5Expression(groups, t.Exclude, alternatives)
	if expr == "" {
		return textMatch{none: true}, nil
	}
	return textMatch{
		join: sqlOf("JOIN (SELECT rowid AS id, bm25(products_fts, "+sqliteRankWeights+") AS bm "+
			"FROM products_fts WHERE products_fts MATCH ?) f ON f.id = p.id", expr),
		rank: sqlOf("-f.bm"),
	}, nil
}

// fts5Expression writes the alternatives, each needing all its phrases, minus
// the exclusions, as an FTS5 query. Every phrase is a quoted string of words
// (letters and digits: models.ParseSearchText), so nothing the shopper typed is
// read as FTS5 syntax. "" when nothing is left to match.
func fts5Expression(groups [][]models.SearchPhrase, exclude []models.SearchPhrase, alternatives map[string][]string) string {
	var anyOf []string
	for _, group := range groups {
		var all []string
		for _, phrase := range group {
			if p := fts5Phrase(phrase); p != "" {
				if alts := alternatives[phrase[0]]; len(phrase) == 1 && len(alts) > 0 {
					p = "(" + p + " OR " + fts5Phrases(alts, " OR ") + ")"
				}
				all = append(all, p)
			}
		}
		if len(all) > 0 {
			anyOf = append(anyOf, "("+strings.Join(all, " AND ")+")")
		}
	}
	if len(anyOf) == 0 {
		return ""
	}
	expr := strings.Join(anyOf, " OR ")
	var none []string
	for _, phrase := range exclude {
		if p := fts5Phrase(phrase); p != "" {
			none = append(none, p)
		}
	}
	if len(none) > 0 {
		expr = "(" + expr + ") NOT (" + strings.Join(none, " OR ") + ")"
	}
	return expr
}

// fts5Phrase quotes a phrase; "" for one made of stop words only, which
// PostgreSQL ignores.
func fts5Phrase(phrase models.SearchPhrase) string {
	if !slices.ContainsFunc(phrase, func(w string) bool { return !models.IsStopWord(w) }) {
		return ""
	}
	return `"` + strings.Join(phrase, " ") + `"`
}

func fts5Phrases(words []string, sep string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + w + `"`
	}
	return strings.Join(quoted, sep)
}

// nameWordAlternatives returns, for each word that no product name has, the
// name words most like it (models.FuzzyMatch, best first, then alphabetical,
// at most maxAlternatives): what search_word_tsquery finds on PostgreSQL.
func nameWordAlternatives(ctx context.Context, db bun.IDB, words []string) (map[string][]string, error) {
	var unknown []string
	for _, w := range words {
		var known int
		err := db.NewRaw("SELECT count(*) FROM products_name_vocab WHERE term = ?", strings.ToLower(w)).Scan(ctx, &known)
		if err != nil {
			return nil, err
		}
		if known == 0 {
			unknown = append(unknown, w)
		}
	}
	if len(unknown) == 0 {
		return nil, nil
	}
	var vocabulary []string
	err := db.NewRaw("SELECT term FROM products_name_vocab WHERE length(term) >= 3").Scan(ctx, &vocabulary)
	if err != nil {
		return nil, err
	}
	type candidate struct {
		word       string
		similarity float64
	}
	out := map[string][]string{}
	for _, w := range unknown {
		lower := strings.ToLower(w)
		var found []candidate
		for _, term := range vocabulary {
			if s := models.WordSimilarity(lower, term); s >= models.FuzzyThreshold {
				found = append(found, candidate{term, s})
			}
		}
		slices.SortFunc(found, func(a, b candidate) int {
			return cmp.Or(cmp.Compare(b.similarity, a.similarity), strings.Compare(a.word, b.word))
		})
		for _, c := range found[:min(len(found), maxAlternatives)] {
			out[w] = append(out[w], c.word)
		}
	}
	return out, nil
}

// Package card is a scorecard as it is written and read: its JSON (Card, kind "kontrak-scorecard"), its
// formats (text, json, markdown, svg, registered as the report kind Report) and the canonical fields a card
// may score. Package scorecard measures one (it sends specimens to vendors, through run's live client);
// this package needs none of that, so the documentation (livedoc) reads the committed card without
// linking the live driver.
package card

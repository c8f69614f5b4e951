// Package snapshot is travel in Python time: it keeps fork checkpoints of
// a replay and moves between stop points forwards and backwards, for the
// shell (it implements engine.Target).
//
// Every move is a run forward: to go back, rrpy forks the latest
// checkpoint at or before the destination and replays from there. Going
// forward it takes new checkpoints, spaced evenly over what it covered,
// and thins them to a budget (a count, and the memory their processes
// hold beyond the program's own), denser near the present, so a move
// replays a short stretch however long the recording. Backward searches
// (bnext, bfinish, bcontinue) replay windows before the present, the
// nearest first, and stop at the last match of the nearest window that
// has one.
package snapshot

#!/usr/bin/env python3
"""link_compare.py: checks that `migratlas link` and the PostgreSQL peer agree on the same input.

    link_compare.py --key KEY_FILE --peer-dir PEER_OUT --events E.csv --rejects R.csv --duplicates D.csv --work DIR

The peer (shared/reference/linkage/peer-postgresql) writes raw person_id and event_time at the
reference offset; migratlas writes person_key = HMAC-SHA256(key, person_id) and the input string.
Both sides are mapped to `person_key,utc_instant,event_type,days_in_window` lines, sorted with
LC_ALL=C sort and compared line by line; rejects and duplicates as `line_no,person_key,reason`.
Exit 0 when everything matches, 1 otherwise. Python 3 standard library only; streams, so 20 M rows
need little memory (sort(1) spills to DIR).
"""
import argparse
import csv
import datetime
import hashlib
import hmac
import os
import subprocess
import sys


def instant(text):
    if text.endswith('Z'):
        text = text[:-1] + '+00:00'
    # fromisoformat accepts fractions of 3 or 6 digits only; the rule truncates them anyway.
    dot = text.find('.', 19)
    if dot != -1:
        end = dot + 1
        while end < len(text) and text[end].isdigit():
            end += 1
        text = text[:dot] + text[end:]
    return int(datetime.datetime.fromisoformat(text).timestamp())


class Hasher:
    def __init__(self, key):
        self.key = key
        self.last = (None, '')

    def __call__(self, person_id):
        if not person_id:
            return ''
        if self.last[0] != person_id:
            self.last = (person_id, hmac.new(self.key, person_id.encode('utf-8', 'surrogateescape'),
                                             hashlib.sha256).hexdigest())
        return self.last[1]


def sorted_file(lines, path, work):
    with open(path + '.unsorted', 'w', encoding='utf-8', newline='') as out:
        for line in lines:
            out.write(line + '\n')
    env = dict(os.environ, LC_ALL='C')
    subprocess.run(['sort', '-T', work, '-S', '25%', '-o', path, path + '.unsorted'], check=True, env=env)
    os.remove(path + '.unsorted')
    return path


def compare(label, want_path, got_path, show=5):
    diffs = 0
    want_n = got_n = 0
    with open(want_path, encoding='utf-8') as w, open(got_path, encoding='utf-8') as g:
        while True:
            a = w.readline()
            b = g.readline()
            if not a and not b:
                break
            want_n += bool(a)
            got_n += bool(b)
            if a != b:
                diffs += 1
                if diffs <= show:
                    print('  %s: peer %r / migratlas %r' % (label, a.strip(), b.strip()))
    print('%s %s: peer %d rows, migratlas %d rows, %d differing' % (
        'MATCH' if diffs == 0 else 'DIFF', label, want_n, got_n, diffs))
    return diffs == 0


def rows(path):
    with open(path, newline='', encoding='utf-8', errors='surrogateescape') as fh:
        reader = csv.reader(fh)
        next(reader, None)
        yield from reader


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--key', required=True)
    ap.add_argument('--peer-dir', required=True)
    ap.add_argument('--events', required=True)
    ap.add_argument('--rejects', required=True)
    ap.add_argument('--duplicates', required=True)
    ap.add_argument('--work', required=True)
    a = ap.parse_args()
    key = open(a.key, 'rb').read()
    h = Hasher(key)
    w = a.work
    os.makedirs(w, exist_ok=True)
    ok = True
    # peer expected.csv: case_id,person_id,event_time,event_type,days_in_window
    peer_events = sorted_file(('%s,%d,%s,%s' % (h(r[1]), instant(r[2]), r[3], r[4]) for r in rows(
        os.path.join(a.peer_dir, 'expected.csv'))), os.path.join(w, 'peer_events.txt'), w)
    our_events = sorted_file(('%s,%d,%s,%s' % (r[0], instant(r[1]), r[2], r[3]) for r in rows(a.events)),
                             os.path.join(w, 'our_events.txt'), w)
    ok &= compare('events', peer_events, our_events)
    for name, ours in (('rejects', a.rejects), ('duplicates', a.duplicates)):
        # peer: line_no,case_id,person_id,reason ; migratlas: line_no,person_key,reason
        p = sorted_file(('%s,%s,%s' % (r[0], h(r[2]), r[3]) for r in rows(os.path.join(a.peer_dir, name + '.csv'))),
                        os.path.join(w, 'peer_%s.txt' % name), w)
        o = sorted_file(('%s,%s,%s' % (r[0], r[1], r[2]) for r in rows(ours)), os.path.join(w, 'our_%s.txt' % name), w)
        ok &= compare(name, p, o)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())

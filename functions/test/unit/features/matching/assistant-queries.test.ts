// find_events' filters over retrieved events: query words, tags, city; case and accents ignored.
import { describe, expect, it } from 'vitest';
import { eventFilter } from '../../../../src/lib/features/matching/assistant-queries.js';
import type { EventRecord } from '../../../../src/lib/features/matching/documents.js';

const event = (title: string, tags: string[], city?: string): EventRecord => ({
  id: title,
  title,
  tags,
  location: city ? { city } : undefined,
  startsAt: new Date(),
  attendeeCount: 0,
  attendeeIds: [],
  viewerAttends: false,
});

const events = [
  event('Live Jazz Night', ['jazz', 'music'], 'Berlin'),
  event('Café crawl', ['coffee'], 'München'),
  event('Jazz brunch', ['food'], 'Paris'),
];
const titles = (filter: Parameters<typeof eventFilter>[0]) => events.filter(eventFilter(filter)).map((e) => e.title);

describe('eventFilter', () => {
  it('matches every query word in the title or a tag, ignoring case and accents', () => {
    expect(titles({ query: 'jazz' })).toEqual(['Live Jazz Night', 'Jazz brunch']);
    expect(titles({ query: 'JAZZ music' })).toEqual(['Live Jazz Night']);
    expect(titles({ query: 'cafe' })).toEqual(['Café crawl']);
    expect(titles({ query: 'opera' })).toEqual([]);
  });

  it('keeps events with at least one of the tags, and in the city', () => {
    expect(titles({ tags: ['Music', 'food'] })).toEqual(['Live Jazz Night', 'Jazz brunch']);
    expect(titles({ city: 'munchen' })).toEqual(['Café crawl']);
    expect(titles({ tags: ['jazz'], city: 'Paris' })).toEqual([]);
  });

  it('keeps everything without filters', () => {
    expect(titles({})).toHaveLength(3);
  });
});

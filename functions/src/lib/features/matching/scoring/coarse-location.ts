/**
 * Coarse positions. Every coordinate the matcher reads is snapped to the representative point of a
 * fixed grid cell about 1 km on a side BEFORE anything is computed from it, so no distance, score,
 * ranking, threshold decision or explanation can tell two positions in the same cell apart. Because
 * the grid is fixed (not centred on the viewer), an attacker who moves their own profile around
 * learns at most which cell another user is in: the product's intended resolution. Threat model:
 * docs/matching.md, "Location privacy".
 *
 * The grid (an equal-area-ish "latitude rings" grid, not geohash):
 *   - ROWS latitude rows of equal height, pi * R / ROWS ≈ 1.0001 km, tiling [-90°, 90°];
 *   - row r is cut into columns(r) equal longitude sectors starting at -180°: as many as fit with each
 *     at least CELL_KM wide along the row's poleward edge, its narrowest. So every cell is at least
 *     CELL_KM wide and tall everywhere (at 60° N a cell is still ~1 km wide, where a geohash cell
 *     has shrunk to half its equatorial width);
 *   - the antimeridian is a column boundary, and +180° is the same column as -180°;
 *   - the row touching each pole has one column: a cap of radius ~1 km, represented by the pole.
 * Why not geohash: precision 6 is 1.22 km x 0.61 km at the equator and narrower towards the poles
 * (0.61 x 0.61 km at 60°), below the ~1 km floor in one dimension everywhere; precision 5 (4.9 km)
 * is coarser than the product needs. A stored coarse position (the cell's point) can still carry a
 * geohash for geofire-common range queries; snapping is idempotent, so scoring stored coarse
 * positions gives exactly what scoring the raw ones gives.
 */

/** Smallest width and height of a grid cell, km. */
export const CELL_KM = 1;
/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;

const DEG = Math.PI / 180;
const ROWS = Math.floor((Math.PI * EARTH_RADIUS_KM) / CELL_KM);
const ROW_DEG = 180 / ROWS;

export interface GridCell {
  /** 0 at the south pole, ROWS - 1 at the north pole. */
  readonly row: number;
  /** 0 starting at -180°. */
  readonly column: number;
  /** Columns in this row (1 for a polar cap). */
  readonly columns: number;
}

export interface LatLng {
  lat: number;
  lng: number;
}

function rowOf(lat: number): number {
  return Math.min(ROWS - 1, Math.max(0, Math.floor((lat + 90) / ROW_DEG)));
}

function rowSouth(row: number): number {
  return -90 + row * ROW_DEG;
}

/** Columns in `row`: each at least CELL_KM wide along the row's poleward (narrowest) edge. */
function columnsIn(row: number): number {
  const south = rowSouth(row);
  const polewardDeg = Math.max(Math.abs(south), Math.abs(south + ROW_DEG));
  const edgeKm = 2 * Math.PI * EARTH_RADIUS_KM * Math.cos(Math.min(90, polewardDeg) * DEG);
  return Math.max(1, Math.floor(edgeKm / CELL_KM));
}

/** The cell holding (lat, lng), in degrees; the caller has checked both are finite and in range. */
export function cellOf(lat: number, lng: number): GridCell {
  const row = rowOf(lat);
  const columns = columnsIn(row);
  // +180° lands on `columns`, which wraps to column 0: the same meridian as -180°.
  const column = Math.floor(((lng + 180) / 360) * columns) % columns;
  return { row, column, columns };
}

/** The cell's representative point: its centre, or the pole for a polar cap. */
export function cellPoint(cell: GridCell): LatLng {
  if (cell.columns === 1) return { lat: cell.row === 0 ? -90 : 90, lng: 0 };
  return {
    lat: rowSouth(cell.row) + ROW_DEG / 2,
    lng: -180 + ((cell.column + 0.5) * 360) / cell.columns,
  };
}

/** The cell's edges in degrees (west may be -180, east may be 180). */
export function cellBounds(cell: GridCell): { south: number; north: number; west: number; east: number } {
  const south = rowSouth(cell.row);
  const width = 360 / cell.columns;
  return { south, north: south + ROW_DEG, west: -180 + cell.column * width, east: -180 + (cell.column + 1) * width };
}

/** Snaps a position to its cell's representative point. Idempotent. */
export function coarsenCoordinates(lat: number, lng: number): LatLng {
  return cellPoint(cellOf(lat, lng));
}

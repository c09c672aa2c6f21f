import type { TruckPosition } from '@vulgraad/contracts';

/** A truck's position with the rooms it goes to: its route room and the rooms of the districts its route passes. */
export interface RoutedPosition {
  position: TruckPosition;
  routeRoom: string;
  districtRooms: readonly string[];
}

/** One emit: to every socket in any of `rooms` that is in none of `except`. */
export interface PositionBatch {
  rooms: string[];
  except: string[];
  positions: TruckPosition[];
}

/**
 * Splits a window's positions into as few emits as keep "each socket gets
 * each position once": trucks whose district rooms (those with a socket
 * here) are the same share one emit to all of them (socket.io sends a socket
 * in several of them one copy); a truck's route room gets its own emit that
 * leaves out the sockets already reached through those district rooms.
 * `hasRoom` says whether a room has a socket on this replica.
 */
export function batchPositions(window: readonly RoutedPosition[], hasRoom: (room: string) => boolean): PositionBatch[] {
  const batches = new Map<string, PositionBatch>();
  const add = (rooms: string[], except: string[], position: TruckPosition): void => {
    const key = `${rooms.join('\n')}\t${except.join('\n')}`;
    let batch = batches.get(key);
    if (!batch) batches.set(key, (batch = { rooms, except, positions: [] }));
    batch.positions.push(position);
  };
  for (const { position, routeRoom, districtRooms } of window) {
    const districts = [...new Set(districtRooms)].filter(hasRoom).sort();
    if (districts.length > 0) add(districts, [], position);
    if (hasRoom(routeRoom)) add([routeRoom], districts, position);
  }
  return [...batches.values()];
}

import type { Session } from 'electron';

type PermissionSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
>;

/**
 * Hippo needs no camera, microphone, location, notifications-by-web-API, USB, serial or HID: every
 * request is refused and every check answers no, so a compromised page cannot ask the user either.
 */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

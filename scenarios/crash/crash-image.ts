import type { ContentStore } from "../../sim/devices/content-store.js";
import type { Tear } from "../../sim/devices/crash-image.js";
import type { SimDevice } from "../../sim/devices/sim-device.js";

/**
 * One device's image of a crash state, built only when asked for: a campaign
 * keys every state it generates but mounts only the images it has not seen
 * (about a third of them on the shipped scenarios).
 */
export class CrashImage {
  private built: ContentStore | undefined;

  constructor(
    private readonly device: SimDevice,
    private readonly logPoint: number,
    private readonly surviving: ReadonlySet<number>,
    private readonly tear: Tear | undefined,
  ) {}

  /**
   * A key of the image's content: equal exactly when the contents are equal
   * (ContentStore.contentHash's notion of equal, though not its string),
   * worked out without building the image.
   */
  contentHash(): string {
    return this.device.imageKey(this.logPoint, this.surviving, this.tear);
  }

  /** The image itself, built on first use. */
  store(): ContentStore {
    this.built ??= this.device.buildImage(this.logPoint, this.surviving, this.tear);
    return this.built;
  }

  /** The image, for the caller to write into: this object forgets it (a later store() builds it again). */
  take(): ContentStore {
    const image = this.store();
    this.built = undefined;
    return image;
  }
}

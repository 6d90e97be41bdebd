import fc from "fast-check";
import { metadataChecks } from "../engine/metadata.js";

// Every map sector the engine patches from its image during the tests is checked against its whole encoding.
metadataChecks.patchedMapSectors = true;

// Every property draws from a fixed seed unless it names its own, so that a suite does not fail at random on an input
// no change made (an unseeded engine model run once failed CI on a case the test did not know). PROPERTY_SEED draws
// others, to hunt.
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(process.env.PROPERTY_SEED ?? 1) });

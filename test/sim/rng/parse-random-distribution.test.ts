import { describe, expect, it } from "vitest";
import { parseRandomDistribution } from "../../../sim/rng/offset-distribution.js";
import { BadValueError } from "../../../io/bad-value-error.js";

describe("parseRandomDistribution (fio's random_distribution values)", () => {
  it("parses every fio form", () => {
    expect(parseRandomDistribution("random")).toEqual({ kind: "random" });
    expect(parseRandomDistribution("zipf:1.2")).toEqual({ kind: "zipf", theta: 1.2 });
    expect(parseRandomDistribution("zipf:1.2:0.25")).toEqual({ kind: "zipf", theta: 1.2, centerFraction: 0.25 });
    expect(parseRandomDistribution("zipf:0.8")).toEqual({ kind: "zipf", theta: 0.8 });
    expect(parseRandomDistribution("pareto:0.9")).toEqual({ kind: "pareto", h: 0.9 });
    expect(parseRandomDistribution("pareto:0.2:1")).toEqual({ kind: "pareto", h: 0.2, centerFraction: 1 });
    expect(parseRandomDistribution("normal:5")).toEqual({ kind: "normal", deviationPercent: 5 });
    expect(parseRandomDistribution("normal:5:0.5")).toEqual({ kind: "normal", deviationPercent: 5, centerFraction: 0.5 });
    expect(parseRandomDistribution(" zoned:60/10:30/20:8/30:2/40 ")).toEqual({
      kind: "zoned",
      zones: [
        { accessPercent: 60, sizePercent: 10 },
        { accessPercent: 30, sizePercent: 20 },
        { accessPercent: 8, sizePercent: 30 },
        { accessPercent: 2, sizePercent: 40 },
      ],
    });
  });

  it("applies fio's defaults when a value is left out", () => {
    expect(parseRandomDistribution("zipf")).toEqual({ kind: "zipf", theta: 1.1 });
    expect(parseRandomDistribution("pareto")).toEqual({ kind: "pareto", h: 0.2 });
    // fio's normal with no (or zero) deviation is its bell of averaged uniforms alone, with no jitter.
    expect(parseRandomDistribution("normal")).toEqual({ kind: "normal", deviationPercent: 0 });
    expect(parseRandomDistribution("normal:0:0.3")).toEqual({ kind: "normal", deviationPercent: 0, centerFraction: 0.3 });
    // Zone values left out share the rest of 100 equally.
    expect(parseRandomDistribution("zoned:50/10:/:/")).toEqual({
      kind: "zoned",
      zones: [
        { accessPercent: 50, sizePercent: 10 },
        { accessPercent: 25, sizePercent: 45 },
        { accessPercent: 25, sizePercent: 45 },
      ],
    });
  });

  it("reads a zone size of 0 as left out, as fio's parser does (an access percentage of 0 stays 0)", () => {
    expect(parseRandomDistribution("zoned:60/10:40/0")).toEqual({
      kind: "zoned",
      zones: [
        { accessPercent: 60, sizePercent: 10 },
        { accessPercent: 40, sizePercent: 90 },
      ],
    });
    expect(parseRandomDistribution("zoned:0/20:100/80")).toEqual({
      kind: "zoned",
      zones: [
        { accessPercent: 0, sizePercent: 20 },
        { accessPercent: 100, sizePercent: 80 },
      ],
    });
  });

  it("accepts zipf theta = 1, which fio refuses but the sampler handles", () => {
    expect(parseRandomDistribution("zipf:1")).toEqual({ kind: "zipf", theta: 1 });
  });

  it.each([
    ["", /random_distribution "": the value is empty; expected/],
    ["gauss:3", /unknown distribution "gauss"/],
    ["random:5", /random takes no parameters/],
    ["zipf:abc", /random_distribution "zipf:abc": theta "abc" is not a number; expected a zipf theta > 0/],
    ["zipf:0", /zipf theta 0 is out of range; expected a finite theta > 0/],
    ["zipf:-1.2", /zipf theta -1.2 is out of range/],
    ["zipf:1.2:1.5", /center 1.5 is out of range; expected a center in \[0, 1\]/],
    ["zipf:1.2:0.5:3", /zipf takes at most two parameters, got 3/],
    ["zipf:", /zipf's first parameter is empty/],
    ["pareto:1", /pareto h 1 is out of range; expected 0 < h < 1/],
    ["pareto:0", /pareto h 0 is out of range/],
    ["normal:100", /normal deviation 100 is out of range; expected 0 <= dev < 100/],
    ["normal:-1", /normal deviation -1 is out of range/],
    ["normal:5:", /normal's center is empty/],
    ["zoned", /zoned needs at least one zone/],
    ["zoned:", /zoned needs at least one zone/],
    ["zoned:60-10:40/90", /zone 1 "60-10" is not access\/size/],
    ["zoned:60/10:30/20", /access percentages add to 90; expected access percentages that add to 100/],
    ["zoned:60/10:50/20", /access percentages add to 110, more than 100/],
    ["zoned:60/50:40/60", /size percentages add to 110, more than 100/],
    ["zoned:60/x:40/90", /zone 1 size percentage "x" is not a number/],
    ["zoned:60/10:40/90,80/10:20/90", /separate values for reads, writes and trims/],
    ["zoned_abs:60/20G:40/100G", /zoned_abs \(absolute zone sizes\) is not supported/],
  ])("rejects %j with a message naming the text and what was expected", (text, message) => {
    expect(() => parseRandomDistribution(text)).toThrow(BadValueError);
    expect(() => parseRandomDistribution(text)).toThrow(message);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Range } from '../../../core/contract/types';
import { chainPostProcessor, splitPostProcessorChain } from '../../../core/app/graph-edit/hcl';
import { applyEdits } from '../../../core/app/graph-edit/text';

/** A block's range as the graph gives it: only where its header starts matters here. */
const at = (line: number, column = 3): Range => ({ filename: 'a.pkr.hcl', start: { line, column, byte: 0 }, end: { line, column, byte: 0 } });

const standalone = `# top comment
build {
  sources = ["source.docker.x"]

  provisioner "shell" {
    inline = ["a"] # keep me
  }

  # tag it
  post-processor "docker-tag" {
    repository = "r"
  }

  post-processor "manifest" {
    output = "m.json" # here
  }
}
`;

test('connecting two standalone post-processors makes one chain, the target right after the source', () => {
  const edit = chainPostProcessor(standalone, at(10), at(14));
  assert.ok(edit);
  const out = applyEdits(standalone, [edit]);
  assert.equal(
    out,
    `# top comment
build {
  sources = ["source.docker.x"]

  provisioner "shell" {
    inline = ["a"] # keep me
  }

  # tag it
  post-processors {
    post-processor "docker-tag" {
      repository = "r"
    }
    post-processor "manifest" {
      output = "m.json" # here
    }
  }
}
`,
  );
  // Splitting that chain gives back the two standalone blocks (with one blank line between them).
  const split = splitPostProcessorChain(out, at(11, 5), at(14, 5));
  assert.ok(split);
  assert.equal(applyEdits(out, [split]), standalone);
});

test('connecting in the other direction moves the earlier block after the later one', () => {
  const out = applyEdits(standalone, [chainPostProcessor(standalone, at(14), at(10))!]);
  assert.equal(
    out,
    `# top comment
build {
  sources = ["source.docker.x"]

  provisioner "shell" {
    inline = ["a"] # keep me
  }

  # tag it
  post-processors {
    post-processor "manifest" {
      output = "m.json" # here
    }
    post-processor "docker-tag" {
      repository = "r"
    }
  }
}
`,
  );
});

const chained = `build {
  post-processors {
    post-processor "a" {
      x = 1
    }
    # b's comment
    post-processor "b" {
      x = 2
    }
    post-processor "c" {
    }
  }

  post-processor "d" {
  }
}
`;

test('a standalone post-processor connected from a chain member joins that chain right after it', () => {
  const out = applyEdits(chained, [chainPostProcessor(chained, at(3, 5), at(14))!]);
  assert.equal(
    out,
    `build {
  post-processors {
    post-processor "a" {
      x = 1
    }
    post-processor "d" {
    }
    # b's comment
    post-processor "b" {
      x = 2
    }
    post-processor "c" {
    }
  }
}
`,
  );
});

test('no edit when the target already follows the source, or they are the same block', () => {
  assert.equal(chainPostProcessor(chained, at(3, 5), at(7, 5)), undefined);
  assert.equal(chainPostProcessor(chained, at(14), at(14)), undefined);
  assert.equal(splitPostProcessorChain(chained, at(3, 5), at(10, 5)), undefined);
});

test('splitting a chain: the tail becomes its own chain, a single head becomes standalone', () => {
  const out = applyEdits(chained, [splitPostProcessorChain(chained, at(3, 5), at(7, 5))!]);
  assert.equal(
    out,
    `build {
  post-processor "a" {
    x = 1
  }

  post-processors {
    # b's comment
    post-processor "b" {
      x = 2
    }
    post-processor "c" {
    }
  }

  post-processor "d" {
  }
}
`,
  );
  const out2 = applyEdits(chained, [splitPostProcessorChain(chained, at(7, 5), at(10, 5))!]);
  assert.equal(
    out2,
    `build {
  post-processors {
    post-processor "a" {
      x = 1
    }
    # b's comment
    post-processor "b" {
      x = 2
    }
  }

  post-processor "c" {
  }

  post-processor "d" {
  }
}
`,
  );
});

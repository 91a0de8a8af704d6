package io.github.redisstarter.sample.jobs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobHandler;

import org.springframework.stereotype.Component;

/**
 * The media queue's handler: a thumbnail-sized digest of an upload, the stand-in for real
 * media processing.
 */
@Component
class MediaJobs {

	static final String QUEUE = "media";

	/** What {@code POST /api/media} enqueues: the file's name and bytes (Base64). */
	record Upload(String file, String bytes) {
	}

	/**
	 * @param sha256 the bytes' SHA-256, in hex
	 * @param thumbnail 16 bytes, each the mean of one sixteenth of the upload, in hex
	 */
	record Digest(String file, int size, String sha256, String thumbnail) {
	}

	@JobHandler(QUEUE)
	Digest digest(Upload upload, JobContext job) throws NoSuchAlgorithmException {
		byte[] bytes = Base64.getDecoder().decode(upload.bytes());
		String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		job.progress(50);
		byte[] thumbnail = new byte[16];
		for (int part = 0; part < thumbnail.length; part++) {
			int from = (int) ((long) bytes.length * part / thumbnail.length);
			int to = (int) ((long) bytes.length * (part + 1) / thumbnail.length);
			long sum = 0;
			for (int i = from; i < to; i++) {
				sum += bytes[i] & 0xff;
			}
			thumbnail[part] = (byte) ((to > from) ? sum / (to - from) : 0);
		}
		return new Digest(upload.file(), bytes.length, sha256, HexFormat.of().formatHex(thumbnail));
	}

}
